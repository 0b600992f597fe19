import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrationTables, productionSources, tableOwners, tableReferences, type TableReference } from '../test/ownership.js';

// One owner per table (README, "Architecture"): only the owning capability writes a table;
// other capabilities read it only in the named read models, and there through Kysely's typed
// builder, so that a renamed column fails the type check.

const SRC = fileURLToPath(new URL('..', import.meta.url));
const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Read models: they compose what the capabilities export and may read any table, typed. The
 * customer timeline, export and erasure need no entry: they compose each capability's
 * `customer-data.ts` (src/customers/customer-data-registry.ts) and name no other's tables.
 */
const READ_MODELS = ['metrics/', 'customers/profile.ts'];

/** The demo and benchmark generator loads rows into every table in bulk, typed by each owner's row types. */
const BULK_LOADERS = ['seed/'];

const owners = tableOwners(SRC);
const ownerOf = new Map(owners.map((o) => [o.table, o.capability]));

function isIn(file: string, prefixes: string[]): boolean {
  return prefixes.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));
}

function allowed(ref: TableReference): boolean {
  const owner = ownerOf.get(ref.table);
  if (owner === ref.capability) return true;
  if (isIn(ref.file, BULK_LOADERS)) return true;
  if (!ref.write && ref.via === 'kysely' && isIn(ref.file, READ_MODELS)) return true;
  return false;
}

function foreignReferences(): TableReference[] {
  const known = new Set(ownerOf.keys());
  return productionSources(SRC).flatMap((file) => tableReferences(file, readFileSync(file, 'utf8'), SRC, known).filter((r) => !allowed(r)));
}

describe('one owner per table', () => {
  it('gives every table the migrations create exactly one owning capability', () => {
    const created = migrationTables(MIGRATIONS);
    const declared = owners.map((o) => o.table).sort();
    expect(new Set(declared).size, 'a table is declared by two capabilities').toBe(declared.length);
    expect(
      created.filter((t) => !ownerOf.has(t)),
      'tables without an owner (add them to src/<capability>/tables.ts)',
    ).toEqual([]);
    // schema_migrations is created by the migrator itself (src/db/migrate.ts).
    const expected = owners.filter((o) => o.capability !== 'db').map((o) => o.table);
    expect(
      expected.filter((t) => !created.includes(t)),
      'row types for tables no migration creates',
    ).toEqual([]);
  });

  it('lets only the owner write a table, and other capabilities read it only in the read models', () => {
    const problems = foreignReferences().map(
      (r) =>
        `src/${r.file}:${r.line} ${r.write ? 'writes' : r.via === 'sql' ? 'reads (raw SQL)' : 'reads'} ${r.table}, owned by ${ownerOf.get(r.table)}`,
    );
    expect(problems).toEqual([]);
  });

  it('sees the queries it polices: Kysely calls and raw SQL, reads and writes', () => {
    const known = new Set(['cases', 'gifts', 'holdings', 'interactions']);
    const text = [
      "db.selectFrom('cases as c').innerJoin('gifts as g', 'g.id', 'c.id')",
      "trx.insertInto('holdings').values(row)",
      'sql`select 1 from interactions i where i.x = ${y}`',
      "// selectFrom('holdings') in a comment is not a query",
    ].join('\n');
    const refs = tableReferences(`${SRC}/giving/example.ts`, text, SRC, known).map((r) => `${r.table}:${r.write ? 'w' : 'r'}:${r.via}`);
    expect(refs.sort()).toEqual(['cases:r:kysely', 'gifts:r:kysely', 'holdings:w:kysely', 'interactions:r:sql']);
  });
});
