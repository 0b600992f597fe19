import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { notFound } from '../errors.js';
import { toRun } from './mappers.js';
import type { Run } from './schemas.js';

// The record of the giving engine's runs (written by job.ts), as the API shows it.

/** The 20 latest runs, newest first. */
export async function listRuns(db: Kysely<DB>, workspaceId: string): Promise<Run[]> {
  const rows = await db
    .selectFrom('giving_runs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('started_at', 'desc')
    .limit(20)
    .execute();
  return rows.map(toRun);
}

export async function getRun(db: Kysely<DB>, workspaceId: string, id: string): Promise<Run> {
  const row = await db
    .selectFrom('giving_runs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Run', id);
  return toRun(row);
}
