import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/app.js';
import { PERSONAL_DATA } from './personal-data.js';
import { CUSTOMER_REFERENCES } from './references.js';

const ctx = useTestApp();

describe('the personal-data registry', () => {
  it('classifies every text, JSON and text-array column of every table, and only columns that exist', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; textual: boolean }>`
      select c.table_name, c.column_name,
        (c.data_type in ('text', 'json', 'jsonb', 'character varying', 'character')
          or c.udt_name in ('_text', '_varchar', '_bpchar', '_json', '_jsonb', 'citext', '_citext')) as textual
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`.execute(ctx.database.db);
    const live = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
    const classified = new Set(PERSONAL_DATA.flatMap((entry) => Object.keys(entry.columns).map((column) => `${entry.table}.${column}`)));
    const unclassified = rows.filter((r) => r.textual && !classified.has(`${r.table_name}.${r.column_name}`));
    expect(
      unclassified.map((r) => `${r.table_name}.${r.column_name}`),
      'classify new columns in src/customers/personal-data.ts (personal, credential or kept)',
    ).toEqual([]);
    expect(
      [...classified].filter((name) => !live.has(name)),
      'columns in the registry that no table has',
    ).toEqual([]);

    const tables = new Set(rows.map((r) => r.table_name));
    const entries = PERSONAL_DATA.map((entry) => entry.table);
    expect(
      [...tables].filter((table) => !entries.includes(table as (typeof entries)[number])),
      'tables missing from the registry',
    ).toEqual([]);
    expect(entries.length, 'a table listed twice').toBe(new Set(entries).size);
  });

  it('reaches every table that points at a customer, and every table with a personal column', () => {
    const withRows = new Set(PERSONAL_DATA.filter((entry) => entry.rows).map((entry) => entry.table));
    expect(CUSTOMER_REFERENCES.filter((ref) => !withRows.has(ref.table as never)).map((ref) => ref.table)).toEqual([]);
    const unreachable = PERSONAL_DATA.filter(
      (entry) => !entry.rows && !entry.eraseRows && Object.values(entry.columns).some((kind) => kind.class === 'personal'),
    ).map((entry) => entry.table);
    expect(unreachable, 'personal columns erasure never visits').toEqual([]);
  });
});
