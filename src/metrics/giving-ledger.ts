import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Ledger, LedgerQuery, NpsFigure } from '../giving/schemas.js';
import type { GivingRuleKind } from '../giving/tables.js';
import { npsClassSql, npsOf } from './nps.js';
import { checkPeriod, dayStart, periodInstants, reportingDay, REPORTING_TIME_ZONE, type Period } from './periods.js';

// The giving ledger: value given back per month, rule and customer, and what followed. It
// reads gifts (giving), holdings (holdings), survey answers (feedback) and customers' names,
// so it lives in the metrics read model; the route is in src/giving/routes.ts.
//   value offered  = Σ value of gifts offered in the period; value given = Σ of those accepted
//   retention      = of customers whose first gift in the period is at least N months old, the
//                    share holding something that began before the gift and was still live
//                    N months after it; non-recipients are measured the same way from
//                    (end of period − N months)
//   NPS            = over survey answers in the period (src/metrics/nps.ts): recipients'
//                    answers given after their first gift, against the answers of customers
//                    who were offered nothing

const MONTH_MS = 30.4375 * 86_400_000;
/** Without a `from`, the ledger covers the 365 days up to and including `to` (today by default). */
const DEFAULT_DAYS = 365;

interface Grouped {
  offered: number;
  accepted: number;
  declined: number;
  expired: number;
  open: number;
  valueOffered: Array<{ amountMinor: number; currency: string }>;
  valueGiven: Array<{ amountMinor: number; currency: string }>;
}

interface CountRow {
  key: string;
  rule_kind: GivingRuleKind;
  currency: string;
  offered: number | string | bigint;
  accepted: number | string | bigint;
  declined: number | string | bigint;
  expired: number | string | bigint;
  open: number | string | bigint;
  value_offered: number | string | bigint | null;
  value_given: number | string | bigint;
}

function fold(rows: CountRow[]): Grouped {
  const out: Grouped = { offered: 0, accepted: 0, declined: 0, expired: 0, open: 0, valueOffered: [], valueGiven: [] };
  const offered = new Map<string, number>();
  const given = new Map<string, number>();
  for (const r of rows) {
    out.offered += Number(r.offered);
    out.accepted += Number(r.accepted);
    out.declined += Number(r.declined);
    out.expired += Number(r.expired);
    out.open += Number(r.open);
    offered.set(r.currency, (offered.get(r.currency) ?? 0) + Number(r.value_offered));
    given.set(r.currency, (given.get(r.currency) ?? 0) + Number(r.value_given));
  }
  out.valueOffered = [...offered].map(([currency, amountMinor]) => ({ amountMinor, currency }));
  out.valueGiven = [...given].map(([currency, amountMinor]) => ({ amountMinor, currency }));
  return out;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(key(row), [...(map.get(key(row)) ?? []), row]);
  return map;
}

/** The ledger's period: the query's dates, or the last 365 days up to today. */
function ledgerPeriod(query: LedgerQuery, now: Date): Period {
  const to = query.to ?? reportingDay(now);
  const period = { from: query.from ?? reportingDay(dayStart(to, 1 - DEFAULT_DAYS)), to };
  checkPeriod(period);
  return period;
}

export async function givingLedger(db: Kysely<DB>, workspaceId: string, query: LedgerQuery, now = new Date()): Promise<Ledger> {
  const period = ledgerPeriod(query, now);
  const { start, end } = periodInstants(period);
  const n = query.retentionMonths;
  const months = sql<string>`make_interval(months => ${n})`;
  const gifts = db
    .selectFrom('gifts as g')
    .where('g.workspace_id', '=', workspaceId)
    .where('g.offered_at', '>=', start)
    .where('g.offered_at', '<', end);

  const counts = (by: 'month' | 'rule') =>
    gifts
      .select((eb) => [
        (by === 'month'
          ? sql<string>`to_char(${eb.ref('g.offered_at')} at time zone ${sql.lit(REPORTING_TIME_ZONE)}, 'YYYY-MM')`
          : sql<string>`${eb.ref('g.rule_kind')}`
        ).as('key'),
        'g.rule_kind',
        'g.currency',
        eb.fn.countAll().as('offered'),
        eb.fn.countAll().filterWhere('g.status', '=', 'accepted').as('accepted'),
        eb.fn.countAll().filterWhere('g.status', '=', 'declined').as('declined'),
        eb.fn.countAll().filterWhere('g.status', '=', 'expired').as('expired'),
        eb.fn.countAll().filterWhere('g.status', '=', 'offered').as('open'),
        eb.fn.sum('g.value_minor').as('value_offered'),
        eb.fn.coalesce(eb.fn.sum('g.value_minor').filterWhere('g.status', '=', 'accepted'), sql.lit(0)).as('value_given'),
      ])
      .groupBy([sql`1`, 'g.rule_kind', 'g.currency'])
      .orderBy(sql`1`)
      .orderBy('g.rule_kind')
      .execute() as Promise<CountRow[]>;
  const monthly = await counts('month');
  const perRule = await counts('rule');

  // Each customer's first gift per rule, old enough to look N months past it.
  const retentionRows = await db
    .with('first_gift', () =>
      gifts
        .distinctOn(['g.customer_id', 'g.rule_kind'])
        .select(['g.customer_id', 'g.rule_kind', 'g.offered_at'])
        .where('g.offered_at', '<=', sql<Date>`${now}::timestamptz - ${months}`)
        .orderBy('g.customer_id')
        .orderBy('g.rule_kind')
        .orderBy('g.offered_at'),
    )
    .selectFrom('first_gift as f')
    .select((eb) => [
      'f.rule_kind',
      eb.fn.countAll().as('base'),
      eb.fn
        .countAll()
        .filterWhere(
          eb.exists(
            eb
              .selectFrom('holdings as h')
              .select(sql`1`.as('one'))
              .where('h.workspace_id', '=', workspaceId)
              .whereRef('h.customer_id', '=', 'f.customer_id')
              .whereRef('h.started_at', '<=', 'f.offered_at')
              .where((w) => w.or([w('h.ended_at', 'is', null), w('h.ended_at', '>=', sql<Date>`${w.ref('f.offered_at')} + ${months}`)])),
          ),
        )
        .as('retained'),
    ])
    .groupBy(sql`rollup (${sql.ref('f.rule_kind')})`)
    .execute();

  // Everyone else, measured from (end of period − N months).
  const reference = new Date(Math.min(end.getTime(), now.getTime()) - n * MONTH_MS);
  const baseline = await db
    .selectFrom('holdings as h')
    .select((eb) => [
      eb.fn.count('h.customer_id').distinct().as('base'),
      eb.fn
        .count('h.customer_id')
        .distinct()
        .filterWhere((w) => w.or([w('h.ended_at', 'is', null), w('h.ended_at', '>=', sql<Date>`${reference}::timestamptz + ${months}`)]))
        .as('retained'),
    ])
    .where('h.workspace_id', '=', workspaceId)
    .where('h.started_at', '<=', reference)
    .where((eb) => eb.or([eb('h.ended_at', 'is', null), eb('h.ended_at', '>', reference)]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('gifts as g')
            .select(sql`1`.as('one'))
            .whereRef('g.workspace_id', '=', 'h.workspace_id')
            .whereRef('g.customer_id', '=', 'h.customer_id')
            .where('g.offered_at', '>=', start)
            .where('g.offered_at', '<', end),
        ),
      ),
    )
    .executeTakeFirst();

  const nps = await db
    .with('first_gift', () => gifts.select((eb) => ['g.customer_id', eb.fn.min('g.offered_at').as('offered_at')]).groupBy('g.customer_id'))
    .selectFrom('survey_responses as r')
    .leftJoin('first_gift as f', 'f.customer_id', 'r.customer_id')
    .select((eb) => [
      eb('f.customer_id', 'is not', null).as('recipient'),
      eb.fn.countAll().as('responses'),
      eb.fn
        .countAll()
        .filterWhere(npsClassSql.promoter(eb.ref('r.nps')))
        .as('promoters'),
      eb.fn
        .countAll()
        .filterWhere(npsClassSql.detractor(eb.ref('r.nps')))
        .as('detractors'),
    ])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.nps', 'is not', null)
    .where('r.answered_at', '>=', start)
    .where('r.answered_at', '<', end)
    .where((eb) => eb.or([eb('f.customer_id', 'is', null), eb('r.answered_at', '>', eb.ref('f.offered_at'))]))
    .groupBy(sql`1`)
    .execute();
  const npsFor = (recipient: boolean): NpsFigure => {
    const row = nps.find((r) => Boolean(r.recipient) === recipient);
    const count = Number(row?.responses ?? 0);
    const { score, marginOfError } = npsOf(count, Number(row?.promoters ?? 0), Number(row?.detractors ?? 0));
    return { responses: count, nps: score, marginOfError };
  };
  const share = (retained: number, base: number) => (base > 0 ? Math.round((retained / base) * 1000) / 1000 : null);
  const overall = retentionRows.find((r) => r.rule_kind === null);

  const top = await gifts
    .innerJoin('customers as c', (join) => join.onRef('c.workspace_id', '=', 'g.workspace_id').onRef('c.id', '=', 'g.customer_id'))
    .select((eb) => [
      'g.customer_id',
      'c.display_name',
      eb.fn.countAll().as('gifts'),
      'g.currency',
      eb.fn.coalesce(eb.fn.sum('g.value_minor').filterWhere('g.status', '=', 'accepted'), sql.lit(0)).as('given'),
    ])
    .groupBy(['g.customer_id', 'c.display_name', 'g.currency'])
    .orderBy('given', 'desc')
    .orderBy('gifts', 'desc')
    .orderBy('g.customer_id')
    .limit(10)
    .execute();

  return {
    from: period.from,
    to: period.to,
    totals: fold(perRule),
    byMonth: [...groupBy(monthly, (r) => `${r.key}|${r.rule_kind}`)].map(([, rows]) => ({
      month: rows[0]?.key ?? '',
      ruleKind: rows[0]?.rule_kind ?? 'best_tariff',
      ...fold(rows),
    })),
    byRule: [...groupBy(perRule, (r) => r.rule_kind)].map(([kind, rows]) => {
      const folded = fold(rows);
      const retention = retentionRows.find((r) => r.rule_kind === kind);
      const decided = folded.accepted + folded.declined + folded.expired;
      return {
        ruleKind: kind as GivingRuleKind,
        ...folded,
        acceptanceRate: decided > 0 ? Math.round((folded.accepted / decided) * 1000) / 1000 : null,
        retention: share(Number(retention?.retained ?? 0), Number(retention?.base ?? 0)),
        retentionBase: Number(retention?.base ?? 0),
      };
    }),
    topCustomers: top.map((r) => ({
      customerId: r.customer_id,
      customerName: r.display_name,
      gifts: Number(r.gifts),
      valueGiven: [{ amountMinor: Number(r.given), currency: r.currency }],
    })),
    outcomes: {
      retentionMonths: n,
      recipients: {
        retention: share(Number(overall?.retained ?? 0), Number(overall?.base ?? 0)),
        base: Number(overall?.base ?? 0),
        nps: npsFor(true),
      },
      nonRecipients: {
        retention: share(Number(baseline?.retained ?? 0), Number(baseline?.base ?? 0)),
        base: Number(baseline?.base ?? 0),
        nps: npsFor(false),
      },
    },
  };
}
