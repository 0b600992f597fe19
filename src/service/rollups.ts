import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { isOneTouch } from './effort.js';
import { bucketOf } from './histogram.js';
import type { CaseRow, InteractionRow } from './mappers.js';

// Service metrics are read from daily rollups kept current as cases and interactions
// change: each change adds (its contribution after) − (its contribution before), so the
// rollups always equal a recount of the raw tables and any period is a sum over days.

export const DIMENSIONS = ['all', 'channel', 'team', 'agent', 'job', 'product_line'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const COUNTERS = [
  'interactions',
  'cases_opened',
  'complaints',
  'responded',
  'responded_with_target',
  'responded_in_sla',
  'response_seconds',
  'resolved',
  'resolved_with_target',
  'resolved_in_sla',
  'resolution_seconds',
  'one_touch',
  'repeat_contacts',
] as const;
export type Counter = (typeof COUNTERS)[number];

interface Contribution {
  day: string;
  dims: Array<[Dimension, string]>;
  counters: Partial<Record<Counter, number>>;
  bucket?: { metric: 'response' | 'resolution'; bucket: number };
}

const utcDay = (at: Date | string): string => new Date(at).toISOString().slice(0, 10);

/** Suffix of the month-grain copy of a dimension: its rows sit on the first day of the month. */
export const MONTH_GRAIN = '@month';

/**
 * Each contribution is counted twice: on its day, and on its month under `<dimension>@month`,
 * so a long period reads whole months and only its ragged edges day by day.
 */
function grains(day: string, dimension: Dimension): Array<[string, string]> {
  return [
    [day, dimension],
    [`${day.slice(0, 7)}-01`, `${dimension}${MONTH_GRAIN}`],
  ];
}

function dimsOf(row: {
  channel: string;
  team_id: string | null;
  agent_user_id: string | null;
  job_id: string | null;
  product_line_id: string | null;
}): Array<[Dimension, string]> {
  return [
    ['all', ''],
    ['channel', row.channel],
    ['team', row.team_id ?? ''],
    ['agent', row.agent_user_id ?? ''],
    ['job', row.job_id ?? ''],
    ['product_line', row.product_line_id ?? ''],
  ];
}

// SLA attainment counts only cases that had a target.
const within = (at: Date | null, due: Date | null) => (due !== null && at !== null && at.getTime() <= due.getTime() ? 1 : 0);
const hasTarget = (due: Date | null) => (due === null ? 0 : 1);

/** What one case adds to the rollups: its opening, its first response and its resolution, each on its own day. */
export function caseContribution(row: CaseRow): Contribution[] {
  const dims = dimsOf(row);
  const out: Contribution[] = [{ day: utcDay(row.opened_at), dims, counters: { cases_opened: 1, complaints: row.is_complaint ? 1 : 0 } }];
  if (row.first_responded_at && row.first_response_seconds !== null) {
    out.push({
      day: utcDay(row.first_responded_at),
      dims,
      counters: {
        responded: 1,
        responded_with_target: hasTarget(row.first_response_due_at),
        responded_in_sla: within(row.first_responded_at, row.first_response_due_at),
        response_seconds: row.first_response_seconds,
      },
      bucket: { metric: 'response', bucket: bucketOf(row.first_response_seconds) },
    });
  }
  if ((row.state === 'resolved' || row.state === 'closed') && row.resolved_at && row.resolution_seconds !== null) {
    out.push({
      day: utcDay(row.resolved_at),
      dims,
      counters: {
        resolved: 1,
        resolved_with_target: hasTarget(row.resolution_due_at),
        resolved_in_sla: within(row.resolved_at, row.resolution_due_at),
        resolution_seconds: row.resolution_seconds,
        one_touch: isOneTouch(row) ? 1 : 0,
        repeat_contacts: row.repeat_contact_at ? 1 : 0,
      },
      bucket: { metric: 'resolution', bucket: bucketOf(row.resolution_seconds) },
    });
  }
  return out;
}

export function interactionContribution(row: InteractionRow): Contribution[] {
  return [{ day: utcDay(row.started_at), dims: dimsOf(row), counters: { interactions: 1 } }];
}

/** Adds `after − before` to the rollups, in one statement per table. */
export async function applyRollupDelta(db: Kysely<DB>, workspaceId: string, before: Contribution[], after: Contribution[]): Promise<void> {
  const counters = new Map<string, { day: string; dimension: string; value: string; delta: Partial<Record<Counter, number>> }>();
  const buckets = new Map<string, { day: string; dimension: string; value: string; metric: string; bucket: number; n: number }>();
  const add = (contributions: Contribution[], sign: 1 | -1) => {
    for (const c of contributions) {
      for (const [dim, value] of c.dims) {
        for (const [day, dimension] of grains(c.day, dim)) {
          const key = `${day}|${dimension}|${value}`;
          const entry = counters.get(key) ?? { day, dimension, value, delta: {} };
          for (const [name, n] of Object.entries(c.counters) as Array<[Counter, number]>) {
            entry.delta[name] = (entry.delta[name] ?? 0) + sign * n;
          }
          counters.set(key, entry);
          if (c.bucket) {
            const bucketKey = `${key}|${c.bucket.metric}|${c.bucket.bucket}`;
            const b = buckets.get(bucketKey) ?? { day, dimension, value, ...c.bucket, n: 0 };
            b.n += sign;
            buckets.set(bucketKey, b);
          }
        }
      }
    }
  };
  add(before, -1);
  add(after, 1);

  // Sorted keys keep concurrent writers taking row locks in one order.
  const rows = [...counters.entries()]
    .filter(([, e]) => Object.values(e.delta).some((n) => n !== 0))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, e]) => ({
      workspace_id: workspaceId,
      day: e.day,
      dimension: e.dimension,
      value: e.value,
      ...Object.fromEntries(COUNTERS.map((name) => [name, e.delta[name] ?? 0])),
    }));
  if (rows.length) {
    await db
      .insertInto('service_rollups')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'dimension', 'value', 'day'])
          .doUpdateSet(
            Object.fromEntries(COUNTERS.map((name) => [name, sql`service_rollups.${sql.ref(name)} + excluded.${sql.ref(name)}`])),
          ),
      )
      .execute();
  }
  const bucketRows = [...buckets.entries()]
    .filter(([, b]) => b.n !== 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, b]) => ({
      workspace_id: workspaceId,
      day: b.day,
      dimension: b.dimension,
      value: b.value,
      metric: b.metric as 'response' | 'resolution',
      bucket: b.bucket,
      n: b.n,
    }));
  if (bucketRows.length) {
    await db
      .insertInto('service_rollup_buckets')
      .values(bucketRows)
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'dimension', 'value', 'metric', 'day', 'bucket'])
          .doUpdateSet({ n: sql`service_rollup_buckets.n + excluded.n` }),
      )
      .execute();
  }
}
