import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { NPS_DETRACTOR_MAX, npsClassSql } from '../metrics/nps.js';
import { inPartition, type Partition } from '../db/partition.js';
import { responsesQuery } from '../feedback/responses.js';
import { holdingsQuery } from '../holdings/service.js';
import { transactionsQuery } from '../holdings/transactions.js';
import { breachesQuery, casesQuery } from '../service/cases.js';
import { gesturesQuery } from '../service/goodwill.js';
import { toIso } from '../time.js';
import type { FeeWaiverConfig, GivingRule, ServiceRecoveryConfig, ThankYouConfig } from './rules.js';

// The finders of the rules other than best tariff: each is one query over the workspace
// (or one chunk of its customers) returning what the customer is owed or would welcome,
// composed of the subqueries the owners of the tables export (holdings, service, feedback).
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

/** Every correlated subquery here only asks whether a row exists. */
const one = sql.lit(1).as('one');

const DAY = 86_400_000;

function creditOrApology(amountMinor: number, currency: string, description: string): JsonObject {
  return amountMinor > 0 ? { type: 'credit', amountMinor, currency, description } : { type: 'none' };
}

/** First fees of a kind (lost-SIM replacement, late payment…) charged recently and not refunded or credited back. */
export async function findFeesToWaive(
  db: Kysely<DB>,
  workspaceId: string,
  rule: GivingRule<'fee_waiver'>,
  options: { now: Date; chunk?: Partition | undefined },
): Promise<Find[]> {
  const config: FeeWaiverConfig = rule.config;
  const since = new Date(options.now.getTime() - config.lookbackDays * DAY);
  const finds: Find[] = [];
  for (const fee of config.fees) {
    const rows = await db
      .selectFrom(transactionsQuery(db, workspaceId).as('t'))
      .select(['t.id', 't.customer_id', 't.holding_id', 't.amount_minor', 't.currency', 't.description', 't.occurred_at'])
      .where('t.kind', '=', 'fee')
      .where('t.amount_minor', '>', 0)
      .where('t.description', 'ilike', fee.pattern)
      .where('t.occurred_at', '>=', since)
      .where('t.occurred_at', '<=', options.now)
      .where(inPartition(sql.ref('t.customer_id'), options.chunk))
      // The first fee of its kind the customer was charged…
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom(transactionsQuery(db, workspaceId).as('e'))
              .select(one)
              .whereRef('e.customer_id', '=', 't.customer_id')
              .where('e.kind', '=', 'fee')
              .where('e.description', 'ilike', fee.pattern)
              .where((earlier) => earlier(earlier.refTuple('e.occurred_at', 'e.id'), '<', earlier.refTuple('t.occurred_at', 't.id'))),
          ),
        ),
      )
      // …not refunded or credited back since…
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom(transactionsQuery(db, workspaceId).as('r'))
              .select(one)
              .whereRef('r.customer_id', '=', 't.customer_id')
              .where('r.kind', 'in', ['refund', 'credit'])
              .whereRef('r.amount_minor', '=', 't.amount_minor')
              .whereRef('r.occurred_at', '>=', 't.occurred_at'),
          ),
        ),
      )
      // …nor waived by an agent's goodwill since.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom(gesturesQuery(db, workspaceId).as('w'))
              .select(one)
              .whereRef('w.customer_id', '=', 't.customer_id')
              .where('w.kind', '=', 'waived_fee')
              .where('w.status', '=', 'granted')
              .whereRef('w.requested_at', '>=', 't.occurred_at'),
          ),
        ),
      )
      .execute();
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
  options: { now: Date; currency: string; chunk?: Partition | undefined },
): Promise<Find[]> {
  const config: ServiceRecoveryConfig = rule.config;
  const since = new Date(options.now.getTime() - config.lookbackDays * DAY);
  const breaches = await db
    .selectFrom(breachesQuery(db, workspaceId).as('b'))
    .innerJoin(casesQuery(db, workspaceId).as('c'), 'c.id', 'b.case_id')
    .select((eb) => [
      'c.id as case_id',
      'c.customer_id',
      'c.subject',
      'c.priority',
      sql<string[]>`array_agg(${eb.ref('b.target')} order by ${eb.ref('b.occurred_at')})`.as('targets'),
      eb.fn.min('b.occurred_at').as('first_at'),
    ])
    .where('b.occurred_at', '>=', since)
    .where('b.occurred_at', '<=', options.now)
    .where(inPartition(sql.ref('c.customer_id'), options.chunk))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom(gesturesQuery(db, workspaceId).as('w'))
            .select(one)
            .whereRef('w.case_id', '=', 'c.id')
            .where('w.status', '=', 'granted'),
        ),
      ),
    )
    .groupBy(['c.id', 'c.customer_id', 'c.subject', 'c.priority'])
    .execute();
  const finds: Find[] = breaches.map((row) => {
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
  const detractors = await db
    .selectFrom(responsesQuery(db, workspaceId).as('r'))
    .select(['r.id', 'r.customer_id', 'r.nps', 'r.case_id', 'r.comment', 'r.answered_at'])
    .where(npsClassSql.detractor(sql.ref('r.nps')))
    .where('r.answered_at', '>=', since)
    .where('r.answered_at', '<=', options.now)
    .where(inPartition(sql.ref('r.customer_id'), options.chunk))
    .where((eb) =>
      eb.or([
        eb('r.case_id', 'is', null),
        eb.not(eb.exists(eb.selectFrom(breachesQuery(db, workspaceId).as('b')).select(one).whereRef('b.case_id', '=', 'r.case_id'))),
      ]),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom(gesturesQuery(db, workspaceId).as('w'))
            .select(one)
            .whereRef('w.customer_id', '=', 'r.customer_id')
            .where('w.status', '=', 'granted')
            .whereRef('w.requested_at', '>=', 'r.answered_at'),
        ),
      ),
    )
    .$narrowType<{ nps: number }>()
    .execute();
  for (const row of detractors) {
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
  options: { now: Date; currency: string; chunk?: Partition | undefined },
): Promise<Find[]> {
  const config: ThankYouConfig = rule.config;
  const windowStart = new Date(options.now.getTime() - config.anniversaryWindowDays * DAY);
  // Tenure: since the first holding of a customer who still holds something active.
  const tenure = db
    .selectFrom(holdingsQuery(db, workspaceId).as('h'))
    .select((eb) => ['h.customer_id', eb.fn.min('h.started_at').as('since')])
    .where(inPartition(sql.ref('h.customer_id'), options.chunk))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom(holdingsQuery(db, workspaceId).as('a'))
          .select(one)
          .whereRef('a.customer_id', '=', 'h.customer_id')
          .where('a.status', '=', 'active'),
      ),
    )
    .groupBy('h.customer_id');
  const aged = db
    .selectFrom(tenure.as('t'))
    .select((eb) => [
      't.customer_id',
      't.since',
      sql<number>`extract(year from age(${options.now}, ${eb.ref('t.since')}))::int`.as('years'),
    ]);
  const rows = await db
    .selectFrom(aged.as('t'))
    .select((eb) => [
      't.customer_id',
      't.since',
      't.years',
      sql<Date>`${eb.ref('t.since')} + make_interval(years => ${eb.ref('t.years')})`.as('anniversary'),
      // Never asked for anything: no case, no goodwill, no refund or credit.
      eb
        .and([
          eb.not(eb.exists(eb.selectFrom(casesQuery(db, workspaceId).as('c')).select(one).whereRef('c.customer_id', '=', 't.customer_id'))),
          eb.not(
            eb.exists(eb.selectFrom(gesturesQuery(db, workspaceId).as('w')).select(one).whereRef('w.customer_id', '=', 't.customer_id')),
          ),
          eb.not(
            eb.exists(
              eb
                .selectFrom(transactionsQuery(db, workspaceId).as('x'))
                .select(one)
                .whereRef('x.customer_id', '=', 't.customer_id')
                .where('x.kind', 'in', ['refund', 'credit']),
            ),
          ),
        ])
        .as('never_asked'),
    ])
    .where('t.years', '>=', 1)
    .execute();
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
