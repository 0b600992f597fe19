import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { newId } from '../ids.js';
import { openTestDatabase } from '../test/database.js';
import { addRow, insertRows, tableRows } from './bulk-insert.js';

let database: Database;
let workspaceId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  workspaceId = newId('ws');
  await database.db.insertInto('workspaces').values({ id: workspaceId, name: 'Bulk', slug: 'bulk' }).execute();
});
afterAll(async () => {
  await database.close();
});

const customerColumns = {
  workspace_id: 'text',
  id: 'text',
  display_name: 'text',
  traits: 'jsonb',
  preferred_channels: 'text[]',
  quiet_hours_start: 'smallint',
  created_at: 'timestamptz',
} as const;

describe('insertRows', () => {
  it('stores awkward text, nulls, arrays, JSON and timestamps exactly as given', async () => {
    const rows = tableRows('customers', customerColumns);
    const awkward = ['Zoë "Zee" O\'Neil', 'back\\slash', '{braces}, commas', 'NULL', '', '  spaced  ', 'Łukasz Wiśniewski'];
    const createdAt = Date.UTC(2024, 1, 29, 12, 30, 15);
    for (const [i, name] of awkward.entries()) {
      addRow(rows, {
        workspace_id: workspaceId,
        id: `cus_bulk${i}`,
        display_name: name,
        traits: { note: name, nested: { list: [1, 'two', null] } },
        preferred_channels: i % 2 === 0 ? ['email', 'sms'] : [],
        quiet_hours_start: i === 0 ? null : i * 60,
        created_at: createdAt + i * 1000,
      });
    }
    await insertRows(database.db, rows);
    const stored = await database.db
      .selectFrom('customers')
      .select(['id', 'display_name', 'traits', 'preferred_channels', 'quiet_hours_start', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'like', 'cus_bulk%')
      .orderBy('id')
      .execute();
    expect(stored).toEqual(
      awkward.map((name, i) => ({
        id: `cus_bulk${i}`,
        display_name: name,
        traits: { note: name, nested: { list: [1, 'two', null] } },
        preferred_channels: i % 2 === 0 ? ['email', 'sms'] : [],
        quiet_hours_start: i === 0 ? null : i * 60,
        created_at: new Date(createdAt + i * 1000),
      })),
    );
  });

  it('inserts a single row, where every text column holds one value', async () => {
    const rows = tableRows('households', { workspace_id: 'text', id: 'text', name: 'text', kind: 'text' });
    addRow(rows, { workspace_id: workspaceId, id: 'hh_single', name: 'The Only household', kind: 'household' });
    await insertRows(database.db, rows);
    const stored = await database.db.selectFrom('households').select(['name', 'kind']).where('id', '=', 'hh_single').execute();
    expect(stored).toEqual([{ name: 'The Only household', kind: 'household' }]);
  });

  it('does nothing for an empty set of rows', async () => {
    await insertRows(database.db, tableRows('households', { workspace_id: 'text', id: 'text', name: 'text', kind: 'text' }));
  });
});
