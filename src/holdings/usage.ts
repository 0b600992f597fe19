import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { inPartition, type Partition } from '../db/partition.js';
import type { DB } from '../db/schema.js';
import { AppError, type FieldIssue } from '../errors.js';
import { recordAudit } from '../workspaces/audit.js';
import { toUsagePeriod } from './mappers.js';
import type { UsagePeriod, UsagePeriodInput, UsageQuery } from './schemas.js';
import { requireHoldingRow } from './service.js';

interface Span {
  index: number | undefined;
  start: string;
  end: string;
}

/** Dates are 'YYYY-MM-DD', so text order is date order. Periods are half-open: [start, end). */
const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;
const nameSpan = (span: Span): string =>
  span.index === undefined ? `the stored period ${span.start} to ${span.end}` : `/periods/${span.index} (${span.start} to ${span.end})`;

/**
 * Every problem with a batch of usage periods, each named by its row: an end not after
 * its start, a start sent twice, or a period overlapping another (sent or stored).
 */
async function findPeriodIssues(
  db: Kysely<DB>,
  workspaceId: string,
  holdingId: string,
  periods: UsagePeriodInput[],
): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const spans: Span[] = [];
  const firstByStart = new Map<string, number>();
  periods.forEach((period, index) => {
    const repeated = firstByStart.get(period.periodStart);
    if (period.periodEnd <= period.periodStart) {
      issues.push({ path: `/periods/${index}/periodEnd`, message: `must be after periodStart (${period.periodStart})` });
    } else if (repeated !== undefined) {
      issues.push({ path: `/periods/${index}/periodStart`, message: `repeats /periods/${repeated}/periodStart (${period.periodStart})` });
    } else {
      spans.push({ index, start: period.periodStart, end: period.periodEnd });
    }
    if (repeated === undefined) firstByStart.set(period.periodStart, index);
  });
  if (spans.length === 0) return issues;

  // A period sent with a stored start replaces that stored period; the others must not overlap.
  const earliest = spans.reduce((min, span) => (span.start < min ? span.start : min), spans[0]?.start ?? '');
  const latest = spans.reduce((max, span) => (span.end > max ? span.end : max), '');
  const stored = await db
    .selectFrom('usage_records')
    .select(['period_start', 'period_end'])
    .where('workspace_id', '=', workspaceId)
    .where('holding_id', '=', holdingId)
    .where('period_start', '<', latest)
    .where('period_end', '>', earliest)
    .execute();
  const others: Span[] = stored
    .filter((row) => !firstByStart.has(row.period_start))
    .map((row) => ({ index: undefined, start: row.period_start, end: row.period_end }));

  spans.forEach((span, position) => {
    const clash = [...spans.slice(0, position), ...others].find((other) => overlaps(span, other));
    if (clash) issues.push({ path: `/periods/${span.index}/periodStart`, message: `overlaps ${nameSpan(clash)}` });
  });
  return issues;
}

/**
 * Records usage per period, replacing what was stored for the same period start.
 * Idempotent: the same body sent again changes nothing and writes no audit entry.
 */
export async function recordUsage(
  db: Kysely<DB>,
  actor: Actor,
  holdingId: string,
  periods: UsagePeriodInput[],
): Promise<{ changed: number; data: UsagePeriod[] }> {
  const workspaceId = actor.workspaceId;
  await requireHoldingRow(db, workspaceId, holdingId);
  const issues = await findPeriodIssues(db, workspaceId, holdingId, periods);
  if (issues.length > 0) {
    const summary = issues.map((issue) => `${issue.path} ${issue.message}`).join('; ');
    throw new AppError('validation_failed', `Invalid usage: ${summary}`, { issues });
  }

  const changed = await db
    .insertInto('usage_records')
    .values(
      periods.map((period) => ({
        workspace_id: workspaceId,
        holding_id: holdingId,
        period_start: period.periodStart,
        period_end: period.periodEnd,
        data_mb: period.dataMb ?? 0,
        minutes: period.minutes ?? 0,
        texts: period.texts ?? 0,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'holding_id', 'period_start'])
        .doUpdateSet((eb) => ({
          period_end: eb.ref('excluded.period_end'),
          data_mb: eb.ref('excluded.data_mb'),
          minutes: eb.ref('excluded.minutes'),
          texts: eb.ref('excluded.texts'),
        }))
        // Rewriting identical values is no change: such rows are neither updated nor returned.
        .where((eb) =>
          eb.or([
            eb('usage_records.period_end', '<>', eb.ref('excluded.period_end')),
            eb('usage_records.data_mb', '<>', eb.ref('excluded.data_mb')),
            eb('usage_records.minutes', '<>', eb.ref('excluded.minutes')),
            eb('usage_records.texts', '<>', eb.ref('excluded.texts')),
          ]),
        ),
    )
    .returning('period_start')
    .execute();

  const starts = periods.map((period) => period.periodStart);
  if (changed.length > 0) {
    await recordAudit(db, actor, {
      action: 'holding.usage_recorded',
      entityType: 'holding',
      entityId: holdingId,
      changes: { periods: changed.map((row) => row.period_start).sort() },
    });
  }
  const rows = await db
    .selectFrom('usage_records')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('holding_id', '=', holdingId)
    .where('period_start', 'in', starts)
    .orderBy('period_start', 'desc')
    .execute();
  return { changed: changed.length, data: rows.map(toUsagePeriod) };
}

/** One row of `monthlyUsageQuery`; its usage columns are named by month: d1…dN, m1…mN, t1…tN. */
export interface MonthlyUsageRow {
  holding_id: string;
  customer_id: string;
  plan_id: string | null;
  price_minor: number;
  currency: string;
}

/**
 * The active subscriptions of a product with usage stored for every one of `months`
 * ('YYYY-MM-DD' period starts), one row each: who holds it, on which plan, at what price,
 * and its usage pivoted into columns, d{i} data MB, m{i} minutes and t{i} texts of months[i-1].
 * One hash aggregate over usage_records, as a subquery to select from (`.as('u')`), so that
 * a costing of every plan (giving's best tariff) is one pass with no per-row round trip.
 */
export function monthlyUsageQuery(scope: {
  workspaceId: string;
  productId: string;
  months: string[];
  /** Only customers in this part. */
  part?: Partition | undefined;
}): RawBuilder<MonthlyUsageRow> {
  const pivot = scope.months.map(
    (month, k) => sql`max(u.data_mb) filter (where u.period_start = ${month}::date) as ${sql.ref(`d${k + 1}`)},
      max(u.minutes) filter (where u.period_start = ${month}::date) as ${sql.ref(`m${k + 1}`)},
      max(u.texts) filter (where u.period_start = ${month}::date) as ${sql.ref(`t${k + 1}`)}`,
  );
  return sql<MonthlyUsageRow>`(
    select u.holding_id, min(h.customer_id) as customer_id, min(h.plan_id) as plan_id, min(h.price_minor) as price_minor,
      min(h.currency) as currency, ${sql.join(pivot, sql`, `)}
    from usage_records u
    join holdings h on h.workspace_id = u.workspace_id and h.id = u.holding_id
    where u.workspace_id = ${scope.workspaceId} and u.period_start in (${sql.join(scope.months.map((m) => sql`${m}::date`))})
      and h.product_id = ${scope.productId} and h.status = 'active' and ${inPartition(sql`h.customer_id`, scope.part)}
    group by u.holding_id
    having count(*) = ${scope.months.length})`;
}

/** Whether usage is stored for the holding's period starting on a date ('YYYY-MM-DD'). */
export async function usagePeriodStored(db: Kysely<DB>, workspaceId: string, holdingId: string, periodStart: string): Promise<boolean> {
  const row = await db
    .selectFrom('usage_records')
    .select('period_start')
    .where('workspace_id', '=', workspaceId)
    .where('holding_id', '=', holdingId)
    .where('period_start', '=', periodStart)
    .executeTakeFirst();
  return row !== undefined;
}

/** Usage periods starting between `from` and `to` (both inclusive), newest first. */
export async function listUsage(db: Kysely<DB>, workspaceId: string, holdingId: string, query: UsageQuery): Promise<UsagePeriod[]> {
  await requireHoldingRow(db, workspaceId, holdingId);
  let select = db
    .selectFrom('usage_records')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('holding_id', '=', holdingId)
    .orderBy('period_start', 'desc')
    .limit(query.limit);
  if (query.from) select = select.where('period_start', '>=', query.from);
  if (query.to) select = select.where('period_start', '<=', query.to);
  return (await select.execute()).map(toUsagePeriod);
}
