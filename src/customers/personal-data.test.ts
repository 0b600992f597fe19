import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../db/schema.js';
import { useTestApp } from '../test/app.js';
import { PERSONAL_DATA } from './personal-data.js';
import { CUSTOMER_REFERENCES } from './references.js';

const ctx = useTestApp();

const classified = new Set(PERSONAL_DATA.flatMap((entry) => Object.keys(entry.columns).map((column) => `${entry.table}.${column}`)));

/** Text, JSON and text-array columns of the live schema that the registry does not classify. */
async function unclassifiedColumns(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.table_name || '.' || c.column_name as name
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      and (c.data_type in ('text', 'json', 'jsonb', 'character varying', 'character')
        or c.udt_name in ('_text', '_varchar', '_bpchar', '_json', '_jsonb', 'citext', '_citext'))
    order by 1`.execute(db);
  return rows.map((r) => r.name).filter((name) => !classified.has(name));
}

class RollBack extends Error {}

describe('the personal-data registry', () => {
  it('classifies every text, JSON and text-array column of every table, and only columns and tables that exist', async () => {
    expect(
      await unclassifiedColumns(ctx.database.db),
      'classify new columns in src/customers/personal-data.ts (personal, credential or kept)',
    ).toEqual([]);
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      select c.table_name, c.column_name
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`.execute(ctx.database.db);
    const live = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
    expect(
      [...classified].filter((name) => !live.has(name)),
      'columns in the registry that no table has',
    ).toEqual([]);
    const tables = new Set(rows.map((r) => r.table_name));
    const entries: string[] = PERSONAL_DATA.map((entry) => entry.table);
    expect(
      [...tables].filter((table) => !entries.includes(table)),
      'tables missing from the registry',
    ).toEqual([]);
    expect(entries.length, 'a table listed twice').toBe(new Set(entries).size);
  });

  it('notices a column added without a classification, whatever its text or JSON type', async () => {
    await expect(
      ctx.database.db.transaction().execute(async (trx) => {
        await sql`alter table gifts add column note_a text, add column note_b varchar(40), add column note_c jsonb,
          add column note_d text[], add column note_e json, add column note_f integer`.execute(trx);
        expect(await unclassifiedColumns(trx)).toEqual(['gifts.note_a', 'gifts.note_b', 'gifts.note_c', 'gifts.note_d', 'gifts.note_e']);
        throw new RollBack();
      }),
    ).rejects.toBeInstanceOf(RollBack);
    expect(await unclassifiedColumns(ctx.database.db)).toEqual([]);
  });

  it('reaches every table that points at a customer, and every table with a personal column', () => {
    const withRows = new Set<string>(PERSONAL_DATA.filter((entry) => entry.rows).map((entry) => entry.table));
    expect(CUSTOMER_REFERENCES.filter((ref) => !withRows.has(ref.table)).map((ref) => ref.table)).toEqual([]);
    const unreachable = PERSONAL_DATA.filter(
      (entry) => !entry.rows && !entry.eraseRows && Object.values(entry.columns).some((kind) => kind.class === 'personal'),
    ).map((entry) => entry.table);
    expect(unreachable, 'personal columns erasure never visits').toEqual([]);
  });
});
