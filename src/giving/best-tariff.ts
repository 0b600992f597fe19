import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB, PlansTable } from '../db/tables.js';
import type { Selectable } from 'kysely';
import type { BestTariffConfig } from './rules.js';

// Best-tariff advice, set-based. For one product at a time, one statement:
//   1. pivots each active subscription's last N full calendar months of usage into columns
//      (one hash aggregate over usage_records);
//   2. costs those months under the current plan at the price actually paid, and under
//      every plan of the product on sale, overage included:
//        cost(plan, month) = price + ceil(max(0, data − allowance) / 1024) × per-GB rate
//                                  + max(0, minutes − allowance) × per-minute rate
//                                  + max(0, texts − allowance) × per-text rate
//      (an unlimited allowance has no overage);
//   3. keeps, per subscription, the cheapest plan by average monthly cost that either
//      covers the usage at the chosen percentile (nearest rank: at least ceil(p × N) of
//      the N months fit every allowance) or, when the customer pays overage now, is a
//      bigger plan;
//   4. returns it when it saves at least the threshold each month.
// The plans of the product are few and known, so their costs are inline expressions: the
// statement is one pass over the usage with no per-plan join or per-row round trip.

type Plan = Selectable<PlansTable>;

export interface TariffAdvice {
  holdingId: string;
  customerId: string;
  currency: string;
  paidMinor: number;
  currentPlanId: string;
  currentPlanName: string;
  currentPlanOnSale: boolean;
  currentMonthlyCostMinor: number;
  currentMonthlyOverageMinor: number;
  planId: string;
  planName: string;
  planPriceMinor: number;
  monthlyCostMinor: number;
  monthlySavingMinor: number;
  monthsFitting: number;
  bigger: boolean;
  dataMb: number[];
  minutes: number[];
  texts: number[];
}

export interface TariffScope {
  workspaceId: string;
  productId: string;
  /** The N period starts ('YYYY-MM-DD'), newest first. */
  months: string[];
  config: BestTariffConfig;
  ruleId: string;
  now: Date;
  /** Only customers whose id hashes into this chunk. */
  chunk?: { index: number; count: number };
}

/** The N full calendar months before `now` (UTC), newest first, as their first days. */
export function usageMonths(now: Date, count: number): string[] {
  const months: string[] = [];
  for (let k = 1; k <= count; k++) {
    months.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 1)).toISOString().slice(0, 10));
  }
  return months;
}

const lit = (value: number) => sql.lit(Number(value));

/** Overage of one month under a literal plan; an unlimited allowance adds nothing. */
function literalOverage(plan: Plan, i: number): RawBuilder<unknown> {
  const terms: RawBuilder<unknown>[] = [];
  if (plan.data_mb !== null && Number(plan.overage_per_gb_minor) > 0)
    terms.push(sql`ceil(greatest(${sql.ref(`d${i}`)} - ${lit(plan.data_mb)}, 0) / 1024.0) * ${lit(plan.overage_per_gb_minor)}`);
  if (plan.minutes !== null && Number(plan.overage_per_minute_minor) > 0)
    terms.push(sql`greatest(${sql.ref(`m${i}`)} - ${lit(plan.minutes)}, 0) * ${lit(plan.overage_per_minute_minor)}`);
  if (plan.texts !== null && Number(plan.overage_per_text_minor) > 0)
    terms.push(sql`greatest(${sql.ref(`t${i}`)} - ${lit(plan.texts)}, 0) * ${lit(plan.overage_per_text_minor)}`);
  return terms.length ? sql.join(terms, sql` + `) : sql`0`;
}

function literalFits(plan: Plan, i: number): RawBuilder<unknown> {
  const checks: RawBuilder<unknown>[] = [];
  if (plan.data_mb !== null) checks.push(sql`${sql.ref(`d${i}`)} <= ${lit(plan.data_mb)}`);
  if (plan.minutes !== null) checks.push(sql`${sql.ref(`m${i}`)} <= ${lit(plan.minutes)}`);
  if (plan.texts !== null) checks.push(sql`${sql.ref(`t${i}`)} <= ${lit(plan.texts)}`);
  return checks.length ? sql`(${sql.join(checks, sql` and `)})::int` : sql`1`;
}

/** Whether a literal plan's data allowance is larger than the current plan's. */
function literalBigger(plan: Plan): RawBuilder<unknown> {
  return plan.data_mb === null
    ? sql`(c.current_data_mb is not null)`
    : sql`(c.current_data_mb is not null and ${lit(plan.data_mb)} > c.current_data_mb)`;
}

/** Overage of one month under the current plan (cp), whose allowances are columns. */
function currentOverage(i: number): RawBuilder<unknown> {
  const d = sql.ref(`d${i}`);
  const m = sql.ref(`m${i}`);
  const t = sql.ref(`t${i}`);
  return sql`(ceil(greatest(${d} - coalesce(cp.data_mb, ${d}), 0) / 1024.0) * cp.overage_per_gb_minor
    + greatest(${m} - coalesce(cp.minutes, ${m}), 0) * cp.overage_per_minute_minor
    + greatest(${t} - coalesce(cp.texts, ${t}), 0) * cp.overage_per_text_minor)`;
}

/** The plans a subscription of the product may move to: on sale and billed monthly. */
export async function plansOnSale(db: Kysely<DB>, workspaceId: string, productId: string): Promise<Plan[]> {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('product_id', '=', productId)
    .where('on_sale', '=', true)
    .where('billing_period', '=', 'month')
    .orderBy('price_minor')
    .execute();
}

/** The advice statement for one product (see the top of this file); `plans` are its plans on sale. */
export function bestTariffQuery(scope: TariffScope, plans: Plan[]): RawBuilder<Record<string, unknown>> {
  const n = scope.months.length;
  const idx = Array.from({ length: n }, (_, k) => k + 1);
  const need = Math.max(1, Math.ceil(scope.config.percentile * n - 1e-9));
  const pivot = idx.map(
    (i) => sql`max(data_mb) filter (where period_start = ${scope.months[i - 1]}::date) as ${sql.ref(`d${i}`)},
      max(minutes) filter (where period_start = ${scope.months[i - 1]}::date) as ${sql.ref(`m${i}`)},
      max(texts) filter (where period_start = ${scope.months[i - 1]}::date) as ${sql.ref(`t${i}`)}`,
  );
  const candidates = plans.map((plan) => {
    const cost = sql.join(
      idx.map((i) => sql`(${lit(plan.price_minor)} + ${literalOverage(plan, i)})`),
      sql` + `,
    );
    const fits = sql.join(
      idx.map((i) => literalFits(plan, i)),
      sql` + `,
    );
    return sql`(${plan.id}::text, ${plan.name}::text, ${lit(plan.price_minor)}::bigint, ((${cost}) / ${lit(n)})::numeric, (${fits})::int, ${literalBigger(plan)})`;
  });
  const currentOverageAvg = sql`((${sql.join(
    idx.map((i) => currentOverage(i)),
    sql` + `,
  )}) / ${lit(n)})`;
  const chunk = scope.chunk ? sql`and mod(abs(hashtext(h.customer_id)::bigint), ${scope.chunk.count}) = ${scope.chunk.index}` : sql``;
  const cooldown = new Date(scope.now.getTime() - scope.config.declineCooldownDays * 86_400_000);
  return sql`
    with subs as (
      select h.id, h.customer_id, h.plan_id, h.price_minor as paid, h.currency
      from holdings h
      where h.workspace_id = ${scope.workspaceId} and h.product_id = ${scope.productId} and h.status = 'active' and h.plan_id is not null ${chunk}
        and not exists (select 1 from gifts g where g.workspace_id = h.workspace_id and g.rule_id = ${scope.ruleId} and g.holding_id = h.id
          and (g.status = 'offered' or (g.status = 'declined' and g.decided_at > ${cooldown})))
    ),
    usage as (
      select u.holding_id, ${sql.join(pivot, sql`, `)}
      from usage_records u join subs s on s.id = u.holding_id
      where u.workspace_id = ${scope.workspaceId} and u.period_start in (${sql.join(scope.months.map((m) => sql`${m}::date`))})
      group by u.holding_id
      having count(*) = ${n}
    ),
    costed as (
      select s.id as holding_id, s.customer_id, s.currency, s.paid, cp.id as current_plan_id, cp.name as current_plan_name,
        cp.on_sale as current_on_sale, cp.data_mb as current_data_mb, ${currentOverageAvg} as current_overage,
        ${sql.join(idx.flatMap((i) => [sql.ref(`u.d${i}`), sql.ref(`u.m${i}`), sql.ref(`u.t${i}`)]))}
      from subs s join usage u on u.holding_id = s.id
      join plans cp on cp.workspace_id = ${scope.workspaceId} and cp.id = s.plan_id
      where cp.billing_period = 'month'
    )
    select c.holding_id, c.customer_id, c.currency, c.paid, c.current_plan_id, c.current_plan_name, c.current_on_sale,
      c.paid + c.current_overage as current_cost, c.current_overage,
      best.plan_id, best.plan_name, best.price, best.cost, best.fits, best.bigger,
      array[${sql.join(idx.map((i) => sql.ref(`c.d${i}`)))}] as data_mb,
      array[${sql.join(idx.map((i) => sql.ref(`c.m${i}`)))}] as minutes,
      array[${sql.join(idx.map((i) => sql.ref(`c.t${i}`)))}] as texts
    from costed c
    cross join lateral (
      select * from (values ${sql.join(candidates)}) as p(plan_id, plan_name, price, cost, fits, bigger)
      where p.plan_id <> c.current_plan_id and (p.fits >= ${need} or (c.current_overage > 0 and p.bigger))
      order by p.cost, p.plan_id limit 1
    ) best
    where c.paid + c.current_overage - best.cost >= ${scope.config.minMonthlySavingMinor}`;
}

/** Advice rows as objects; amounts rounded down to whole minor units. */
export function toAdvice(row: Record<string, unknown>): TariffAdvice {
  const num = (key: string) => Number(row[key]);
  const nums = (key: string) => (row[key] as Array<number | string>).map(Number);
  const currentCost = Math.round(num('current_cost'));
  const cost = Math.round(num('cost'));
  return {
    holdingId: String(row.holding_id),
    customerId: String(row.customer_id),
    currency: String(row.currency),
    paidMinor: num('paid'),
    currentPlanId: String(row.current_plan_id),
    currentPlanName: String(row.current_plan_name),
    currentPlanOnSale: row.current_on_sale === true,
    currentMonthlyCostMinor: currentCost,
    currentMonthlyOverageMinor: Math.round(num('current_overage')),
    planId: String(row.plan_id),
    planName: String(row.plan_name),
    planPriceMinor: num('price'),
    monthlyCostMinor: cost,
    monthlySavingMinor: Math.floor(num('current_cost') - num('cost')),
    monthsFitting: num('fits'),
    bigger: row.bigger === true,
    dataMb: nums('data_mb'),
    minutes: nums('minutes'),
    texts: nums('texts'),
  };
}

/** Subscription products of the workspace that have a plan on sale billed monthly. */
export async function tariffProducts(db: Kysely<DB>, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('products')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'subscription')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('plans')
          .select('plans.id')
          .whereRef('plans.workspace_id', '=', 'products.workspace_id')
          .whereRef('plans.product_id', '=', 'products.id')
          .where('plans.on_sale', '=', true)
          .where('plans.billing_period', '=', 'month'),
      ),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}
