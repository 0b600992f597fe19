import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { NPS_DETRACTOR_MAX, npsClassSql } from '../metrics/nps.js';
import { toIso } from '../time.js';
import type { FeeWaiverConfig, GivingRule, ServiceRecoveryConfig, ThankYouConfig } from './rules.js';

// The finders of the rules other than best tariff: each is one query over the workspace
// (or one chunk of its customers) returning what the customer is owed or would welcome.
// Finds already made are skipped by the gifts' unique key, not here, so a finder stays a
// plain read and running it twice is harmless.

/** One thing a rule found, about to become a gift. */
export interface Find {
  customerId: string;
  holdingId: string | null;
  subjectKey: string;
  period: string;
  title: string;
  evidence: JsonObject;
  /** What accepting does: { type: 'plan_change' | 'credit' | 'points' | 'none', … } */
  action: JsonObject;
  valueMinor: number;
  currency: string;
}

export interface Chunk {
  index: number;
  count: number;
}

export function chunkFilter(column: RawBuilder<unknown>, chunk: Chunk | undefined): RawBuilder<unknown> {
  return chunk ? sql`and mod(abs(hashtext(${column})::bigint), ${chunk.count}) = ${chunk.index}` : sql``;
}

const DAY = 86_400_000;

function creditOrApology(amountMinor: number, currency: string, description: string): JsonObject {
  return amountMinor > 0 ? { type: 'credit', amountMinor, currency, description } : { type: 'none' };
}

/** First fees of a kind (lost-SIM replacement, late payment…) charged recently and not refunded or credited back. */
export async function findFeesToWaive(
  db: Kysely<DB>,
  workspaceId: string,
  rule: GivingRule<'fee_waiver'>,
  options: { now: Date; chunk?: Chunk | undefined },
): Promise<Find[]> {
  const config: FeeWaiverConfig = rule.config;
  const since = new Date(options.now.getTime() - config.lookbackDays * DAY);
  const finds: Find[] = [];
  for (const fee of config.fees) {
    const { rows } = await sql<{
      id: string;
      customer_id: string;
      holding_id: string | null;
      amount_minor: number;
      currency: string;
      description: string;
      occurred_at: Date;
    }>`
      select t.id, t.customer_id, t.holding_id, t.amount_minor, t.currency, t.description, t.occurred_at
      from transactions t
      where t.workspace_id = ${workspaceId} and t.kind = 'fee' and t.amount_minor > 0 and t.description ilike ${fee.pattern}
        and t.occurred_at >= ${since} and t.occurred_at <= ${options.now} ${chunkFilter(sql`t.customer_id`, options.chunk)}
        and not exists (select 1 from transactions e where e.workspace_id = t.workspace_id and e.customer_id = t.customer_id
          and e.kind = 'fee' and e.description ilike ${fee.pattern} and (e.occurred_at, e.id) < (t.occurred_at, t.id))
        and not exists (select 1 from transactions r where r.workspace_id = t.workspace_id and r.customer_id = t.customer_id
          and r.kind in ('refund', 'credit') and r.amount_minor = t.amount_minor and r.occurred_at >= t.occurred_at)
        and not exists (select 1 from goodwill_gestures w where w.workspace_id = t.workspace_id and w.customer_id = t.customer_id
          and w.kind = 'waived_fee' and w.status = 'granted' and w.requested_at >= t.occurred_at)`.execute(db);
    for (const row of rows) {
      const amount = Number(row.amount_minor);
      finds.push({
        customerId: row.customer_id,
        holdingId: row.holding_id,
        subjectKey: `fee:${row.id}`,
        period: '',
        title: `Waive the first ${fee.label}`,
        evidence: {
          transactionId: row.id,
          description: row.description,
          chargedAt: toIso(row.occurred_at),
          fee: fee.label,
          amountMinor: amount,
          firstOfItsKind: true,
        },
        action: { type: 'credit', amountMinor: amount, currency: row.currency, description: `Waived: ${row.description}` },
        valueMinor: amount,
        currency: row.currency,
      });
    }
  }
  return finds;
}

/** SLA breaches (a credit per target breached, scaled by priority) and detractor answers (a credit falling with the score, or an apology). */
export async function findServiceRecovery(
  db: Kysely<DB>,
  workspaceId: string,
  rule: GivingRule<'service_recovery'>,
  options: { now: Date; currency: string; chunk?: Chunk | undefined },
): Promise<Find[]> {
  const config: ServiceRecoveryConfig = rule.config;
  const since = new Date(options.now.getTime() - config.lookbackDays * DAY);
  const breaches = await sql<{
    case_id: string;
    customer_id: string;
    subject: string;
    priority: keyof ServiceRecoveryConfig['priorityFactors'];
    targets: string[];
    first_at: Date;
  }>`
    select c.id as case_id, c.customer_id, c.subject, c.priority, array_agg(e.data ->> 'target' order by e.occurred_at) as targets,
      min(e.occurred_at) as first_at
    from case_events e join cases c on c.workspace_id = e.workspace_id and c.id = e.case_id
    where e.workspace_id = ${workspaceId} and e.kind = 'breached' and e.occurred_at >= ${since} and e.occurred_at <= ${options.now}
      ${chunkFilter(sql`c.customer_id`, options.chunk)}
      and not exists (select 1 from goodwill_gestures w where w.workspace_id = c.workspace_id and w.case_id = c.id and w.status = 'granted')
    group by c.id, c.customer_id, c.subject, c.priority`.execute(db);
  const finds: Find[] = breaches.rows.map((row) => {
    const factor = config.priorityFactors[row.priority] ?? 1;
    const value = Math.min(config.maxCreditMinor, Math.round(config.creditPerBreachMinor * row.targets.length * factor));
    return {
      customerId: row.customer_id,
      holdingId: null,
      subjectKey: `case:${row.case_id}`,
      period: '',
      title: `Service recovery: ${row.targets.length} SLA target${row.targets.length === 1 ? '' : 's'} missed`,
      evidence: {
        caseId: row.case_id,
        subject: row.subject,
        priority: row.priority,
        breached: row.targets,
        firstBreachAt: toIso(row.first_at),
        factor,
      },
      action: creditOrApology(value, options.currency, 'Service recovery credit'),
      valueMinor: value,
      currency: options.currency,
    };
  });
  // A detractor answer about a case already found above is covered by that case's gift.
  const detractors = await sql<{
    id: string;
    customer_id: string;
    nps: number;
    case_id: string | null;
    comment: string | null;
    answered_at: Date;
  }>`
    select r.id, r.customer_id, r.nps, r.case_id, r.comment, r.answered_at
    from survey_responses r
    where r.workspace_id = ${workspaceId} and ${npsClassSql.detractor(sql.ref('r.nps'))} and r.answered_at >= ${since} and r.answered_at <= ${options.now}
      ${chunkFilter(sql`r.customer_id`, options.chunk)}
      and (r.case_id is null or not exists (select 1 from case_events e where e.workspace_id = r.workspace_id and e.case_id = r.case_id and e.kind = 'breached'))
      and not exists (select 1 from goodwill_gestures w where w.workspace_id = r.workspace_id and w.customer_id = r.customer_id
        and w.status = 'granted' and w.requested_at >= r.answered_at)`.execute(db);
  for (const row of detractors.rows) {
    const apology = row.nps >= config.apologyFromNps;
    // the credit falls from its full amount at 0 to a seventh of it at the highest detractor score
    const steps = NPS_DETRACTOR_MAX + 1;
    const value = apology ? 0 : Math.round((config.detractorCreditMinor * (steps - row.nps)) / steps);
    finds.push({
      customerId: row.customer_id,
      holdingId: null,
      subjectKey: `response:${row.id}`,
      period: '',
      title: apology ? `An apology for a score of ${row.nps}` : `Service recovery for a score of ${row.nps}`,
      evidence: { responseId: row.id, nps: row.nps, caseId: row.case_id, comment: row.comment, answeredAt: toIso(row.answered_at) },
      action: creditOrApology(value, options.currency, 'Sorry we let you down'),
      valueMinor: value,
      currency: options.currency,
    });
  }
  return finds;
}

/** Tenure anniversaries (bonus points) and long-standing customers who never asked for anything (a yearly credit). */
export async function findThankYous(
  db: Kysely<DB>,
  workspaceId: string,
  rule: GivingRule<'thank_you'>,
  options: { now: Date; currency: string; chunk?: Chunk | undefined },
): Promise<Find[]> {
  const config: ThankYouConfig = rule.config;
  const windowStart = new Date(options.now.getTime() - config.anniversaryWindowDays * DAY);
  const { rows } = await sql<{ customer_id: string; since: Date; years: number; anniversary: Date; never_asked: boolean }>`
    with tenure as (
      select h.customer_id, min(h.started_at) as since
      from holdings h
      where h.workspace_id = ${workspaceId} ${chunkFilter(sql`h.customer_id`, options.chunk)}
        and exists (select 1 from holdings a where a.workspace_id = h.workspace_id and a.customer_id = h.customer_id and a.status = 'active')
      group by h.customer_id
    )
    select t.customer_id, t.since, y.years, t.since + make_interval(years => y.years) as anniversary,
      not exists (select 1 from cases c where c.workspace_id = ${workspaceId} and c.customer_id = t.customer_id)
        and not exists (select 1 from goodwill_gestures w where w.workspace_id = ${workspaceId} and w.customer_id = t.customer_id)
        and not exists (select 1 from transactions x where x.workspace_id = ${workspaceId} and x.customer_id = t.customer_id and x.kind in ('refund', 'credit'))
        as never_asked
    from tenure t cross join lateral (select extract(year from age(${options.now}, t.since))::int as years) y
    where y.years >= 1`.execute(db);
  const year = String(options.now.getUTCFullYear());
  const finds: Find[] = [];
  for (const row of rows) {
    const anniversary = new Date(row.anniversary);
    if (config.anniversaryPoints > 0 && anniversary >= windowStart && anniversary <= options.now) {
      finds.push({
        customerId: row.customer_id,
        holdingId: null,
        subjectKey: `tenure:${row.customer_id}:${row.years}`,
        period: '',
        title: `${row.years} year${row.years === 1 ? '' : 's'} with us: ${config.anniversaryPoints} bonus points`,
        evidence: { customerSince: toIso(row.since), years: row.years, anniversary: toIso(anniversary) },
        action: { type: 'points', points: config.anniversaryPoints },
        valueMinor: Math.round(config.anniversaryPoints * config.pointValueMinor),
        currency: options.currency,
      });
    }
    if (row.never_asked && row.years >= config.loyalYears && config.loyalCreditMinor > 0) {
      finds.push({
        customerId: row.customer_id,
        holdingId: null,
        subjectKey: `never-asked:${row.customer_id}`,
        period: year,
        title: `A thank-you after ${row.years} years without a single complaint`,
        evidence: { customerSince: toIso(row.since), years: row.years, cases: 0, goodwill: 0, refundsOrCredits: 0 },
        action: {
          type: 'credit',
          amountMinor: config.loyalCreditMinor,
          currency: options.currency,
          description: 'Thank you for staying with us',
        },
        valueMinor: config.loyalCreditMinor,
        currency: options.currency,
      });
    }
  }
  return finds;
}
