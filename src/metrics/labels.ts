import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

// The names people see for the values metrics are grouped by: teams and jobs (service),
// product lines (catalog), agents (workspace members). Channels and segments are their own names.

/** Every dimension a rollup counts by; '' is a row's "none" value (no team, no agent…). */
export type Dimension = 'all' | 'channel' | 'team' | 'agent' | 'job' | 'product_line' | 'segment';

/** Display names of the values of a dimension; none for dimensions whose values are names. */
export async function dimensionLabels(db: Kysely<DB>, workspaceId: string, by: Dimension): Promise<Map<string, string>> {
  const rows =
    by === 'team'
      ? await db.selectFrom('service_teams').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute()
      : by === 'job'
        ? await db.selectFrom('service_jobs').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute()
        : by === 'product_line'
          ? await db.selectFrom('product_lines').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute()
          : by === 'agent'
            ? await db
                .selectFrom('memberships as m')
                .innerJoin('users as u', 'u.id', 'm.user_id')
                .select(['u.id', 'u.name'])
                .where('m.workspace_id', '=', workspaceId)
                .execute()
            : [];
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** How a group reads: its name, or "All" for the whole and "None" for rows without a value. */
export function labelOf(names: Map<string, string>, by: Dimension, value: string): string {
  return value === '' ? (by === 'all' ? 'All' : 'None') : (names.get(value) ?? value);
}
