import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { GivingRuleKind } from './tables.js';
import type { Ledger, LedgerQuery, NpsFigure } from './schemas.js';

// The giving ledger: value given back per month, rule and customer, and what followed.
//   value offered  = Σ value of gifts offered in the window; value given = Σ of those accepted
//   retention      = of customers whose first gift in the window is at least N months old, the
//                    share holding something that began before the gift and was still live
//                    N months after it; non-recipients are measured the same way from
//                    (end of window − N months)
//   NPS            = %promoters (9–10) − %detractors (0–6) over survey answers in the window:
//                    recipients' answers given after their first gift, against the answers of
//                    customers who were offered nothing; margin of error at 95%:
//                    1.96 × √((p + d − (p − d)²) / n) × 100

const MONTH_MS = 30.4375 * 86_400_000;

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
  offered: number;
  accepted: number;
  declined: number;
  expired: number;
  open: number;
  value_offered: number;
  value_given: number;
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

export function npsFigure(promoters: number, detractors: number, responses: number): NpsFigure {
  if (responses === 0) return { responses: 0, nps: null, marginOfError: null };
  const p = promoters / responses;
  const d = detractors / responses;
  const variance = p + d - (p - d) ** 2;
  return {
    responses,
    nps: Math.round((p - d) * 1000) / 10,
    marginOfError: Math.round(1.96 * Math.sqrt(variance / responses) * 1000) / 10,
  };
}

export async function givingLedger(db: Kysely<DB>, workspaceId: string, query: LedgerQuery, now = new Date()): Promise<Ledger> {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 365 * 86_400_000);
  const n = query.retentionMonths;
  const counts = (key: ReturnType<typeof sql>) => sql<CountRow>`
    select ${key} as key, rule_kind, currency, count(*) as offered,
      count(*) filter (where status = 'accepted') as accepted, count(*) filter (where status = 'declined') as declined,
      count(*) filter (where status = 'expired') as expired, count(*) filter (where status = 'offered') as open,
      sum(value_minor) as value_offered, coalesce(sum(value_minor) filter (where status = 'accepted'), 0) as value_given
    from gifts where workspace_id = ${workspaceId} and offered_at >= ${from} and offered_at < ${to}
    group by 1, rule_kind, currency order by 1, rule_kind`;
  const monthly = (await counts(sql`to_char(offered_at at time zone 'UTC', 'YYYY-MM')`).execute(db)).rows;
  const perRule = (await counts(sql`rule_kind`).execute(db)).rows;

  const retentionRows = (
    await sql<{ rule_kind: GivingRuleKind; base: number; retained: number }>`
      with first_gift as (
        select distinct on (customer_id, rule_kind) customer_id, rule_kind, offered_at from gifts
        where workspace_id = ${workspaceId} and offered_at >= ${from} and offered_at < ${to}
          and offered_at <= ${now}::timestamptz - make_interval(months => ${n})
        order by customer_id, rule_kind, offered_at
      )
      select rule_kind, count(*) as base, count(*) filter (where exists (select 1 from holdings h
        where h.workspace_id = ${workspaceId} and h.customer_id = f.customer_id and h.started_at <= f.offered_at
          and (h.ended_at is null or h.ended_at >= f.offered_at + make_interval(months => ${n})))) as retained
      from first_gift f group by rollup (rule_kind)`.execute(db)
  ).rows;
  const reference = new Date(Math.min(to.getTime(), now.getTime()) - n * MONTH_MS);
  const baseline = (
    await sql<{ base: number; retained: number }>`
      select count(distinct h.customer_id) as base, count(distinct h.customer_id) filter (where h.ended_at is null
        or h.ended_at >= ${reference}::timestamptz + make_interval(months => ${n})) as retained
      from holdings h
      where h.workspace_id = ${workspaceId} and h.started_at <= ${reference} and (h.ended_at is null or h.ended_at > ${reference})
        and not exists (select 1 from gifts g where g.workspace_id = h.workspace_id and g.customer_id = h.customer_id
          and g.offered_at >= ${from} and g.offered_at < ${to})`.execute(db)
  ).rows[0];

  const nps = (
    await sql<{ recipient: boolean; responses: number; promoters: number; detractors: number }>`
      with first_gift as (
        select customer_id, min(offered_at) as offered_at from gifts
        where workspace_id = ${workspaceId} and offered_at >= ${from} and offered_at < ${to} group by customer_id
      )
      select f.customer_id is not null as recipient, count(*) as responses,
        count(*) filter (where r.nps >= 9) as promoters, count(*) filter (where r.nps <= 6) as detractors
      from survey_responses r left join first_gift f on f.customer_id = r.customer_id
      where r.workspace_id = ${workspaceId} and r.nps is not null and r.answered_at >= ${from} and r.answered_at < ${to}
        and (f.customer_id is null or r.answered_at > f.offered_at)
      group by 1`.execute(db)
  ).rows;
  const npsOf = (recipient: boolean) => {
    const row = nps.find((r) => r.recipient === recipient);
    return npsFigure(Number(row?.promoters ?? 0), Number(row?.detractors ?? 0), Number(row?.responses ?? 0));
  };
  const share = (retained: number, base: number) => (base > 0 ? Math.round((retained / base) * 1000) / 1000 : null);
  const overall = retentionRows.find((r) => r.rule_kind === null);

  const top = (
    await sql<{ customer_id: string; display_name: string | null; gifts: number; currency: string; given: number }>`
      select g.customer_id, c.display_name, count(*) as gifts, g.currency, coalesce(sum(g.value_minor) filter (where g.status = 'accepted'), 0) as given
      from gifts g join customers c on c.workspace_id = g.workspace_id and c.id = g.customer_id
      where g.workspace_id = ${workspaceId} and g.offered_at >= ${from} and g.offered_at < ${to}
      group by g.customer_id, c.display_name, g.currency order by given desc, gifts desc, g.customer_id limit 10`.execute(db)
  ).rows;

  return {
    from: from.toISOString(),
    to: to.toISOString(),
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
        nps: npsOf(true),
      },
      nonRecipients: {
        retention: share(Number(baseline?.retained ?? 0), Number(baseline?.base ?? 0)),
        base: Number(baseline?.base ?? 0),
        nps: npsOf(false),
      },
    },
  };
}
