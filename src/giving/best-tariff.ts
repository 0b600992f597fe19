import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { plansQuery } from '../catalog/plan-queries.js';
import type { PlansTable } from '../catalog/tables.js';
import type { DB } from '../db/schema.js';
import type { Partition } from '../db/partition.js';
import { monthlyUsageQuery } from '../holdings/usage.js';
import type { BestTariffConfig } from './rules.js';

// Best-tariff advice, set-based. For one product at a time, one statement:
//   1. pivots each active subscription's last N full calendar months of usage into columns
//      (one hash aggregate over usage_records: holdings' monthlyUsageQuery) and joins its
//      current plan (catalog's plansQuery);
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
  /** Only customers in this chunk. */
  chunk?: Partition | undefined;
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

// All costing is integer arithmetic on sums over the N months (the average is the sum / N):
// a started GB is ((excess MB + 1023) / 1024) in integer division.

/** Overage of month i under a literal plan; an unlimited allowance adds nothing. */
function literalOverage(plan: Plan, i: number): RawBuilder<unknown> {
  const terms: RawBuilder<unknown>[] = [];
  if (plan.data_mb !== null && Number(plan.overage_per_gb_minor) > 0)
    terms.push(sql`((greatest(${sql.ref(`d${i}`)} - ${lit(plan.data_mb)}, 0) + 1023) / 1024) * ${lit(plan.overage_per_gb_minor)}`);
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
    ? sql`(current_data_mb is not null)`
    : sql`(current_data_mb is not null and ${lit(plan.data_mb)} > current_data_mb)`;
}

/** Overage of month i under the current plan, whose allowances and rates are columns. */
function currentOverage(i: number): RawBuilder<unknown> {
  const d = sql.ref(`d${i}`);
  const m = sql.ref(`m${i}`);
  const t = sql.ref(`t${i}`);
  return sql`(((greatest(${d} - coalesce(current_data_mb, ${d}), 0) + 1023) / 1024) * gb_rate
    + greatest(${m} - coalesce(current_minutes, ${m}), 0) * minute_rate
    + greatest(${t} - coalesce(current_texts, ${t}), 0) * text_rate)`;
}

/** The advice statement for one product (see the top of this file); `plans` are its plans on sale (at most 15). */
export function bestTariffQuery(db: Kysely<DB>, scope: TariffScope, plans: Plan[]): RawBuilder<Record<string, unknown>> {
  if (plans.length > 15) throw new Error('best-tariff costing takes at most 15 plans per product');
  const n = scope.months.length;
  const idx = Array.from({ length: n }, (_, k) => k + 1);
  const need = requiredMonths(scope.config.percentile, n);
  const minSaving = scope.config.minMonthlySavingMinor * n;
  const sumOver = (term: (i: number) => RawBuilder<unknown>) => sql.join(idx.map(term), sql` + `);
  // Per plan k, its cost summed over the months, computed only when its price alone leaves
  // room for the minimum saving: most customers' plans fit, so most plans are never costed.
  const perPlan = plans.map(
    (
      plan,
      k,
    ) => sql`case when ${lit(Number(plan.price_minor) * n)} <= current_sum - ${lit(minSaving)} and ${plan.id}::text <> current_plan_id
      then ${lit(Number(plan.price_minor) * n)} + ${sumOver((i) => literalOverage(plan, i))} end as ${sql.ref(`c${k}`)}`,
  );
  // The cheapest eligible plan, as cost × 16 + k so that least() (which skips nulls) picks it in one expression.
  const eligible = plans.map(
    (plan, k) => sql`case when ${sql.ref(`c${k}`)} is not null
      and ((${sumOver((i) => literalFits(plan, i))}) >= ${need} or (pays_overage and ${literalBigger(plan)})) then ${sql.ref(`c${k}`)} * 16 + ${lit(k)} end`,
  );
  const cooldown = new Date(scope.now.getTime() - scope.config.declineCooldownDays * 86_400_000);
  // Each subscription with its usage and its current plan, unless an offer of this rule for it
  // is open or was turned down within the cooldown.
  const current = db
    .selectFrom(monthlyUsageQuery({ ...scope, part: scope.chunk }).as('u'))
    .innerJoin(plansQuery(db, scope.workspaceId).as('cp'), 'cp.id', 'u.plan_id')
    .selectAll('u')
    .select([
      'cp.id as current_plan_id',
      'cp.name as current_plan_name',
      'cp.on_sale as current_on_sale',
      'cp.data_mb as current_data_mb',
      'cp.minutes as current_minutes',
      'cp.texts as current_texts',
      'cp.overage_per_gb_minor as gb_rate',
      'cp.overage_per_minute_minor as minute_rate',
      'cp.overage_per_text_minor as text_rate',
    ])
    .where('cp.billing_period', '=', 'month')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('gifts as g')
            .select(sql.lit(1).as('one'))
            .where('g.workspace_id', '=', scope.workspaceId)
            .where('g.rule_id', '=', scope.ruleId)
            .whereRef('g.holding_id', '=', 'u.holding_id')
            .where((g) =>
              g.or([
                g('g.status', '=', 'offered'),
                g.and([g('g.status', 'in', ['declined', 'expired']), g('g.decided_at', '>', cooldown)]),
              ]),
            ),
        ),
      ),
    )
    .offset(sql.lit(0));
  const months = sql.join(idx.flatMap((i) => [sql.ref(`d${i}`), sql.ref(`m${i}`), sql.ref(`t${i}`)]));
  // offset 0 fences each level, so the costing expressions are evaluated once per row, not once per use.
  return sql`
    select holding_id, customer_id, currency, paid, current_plan_id, current_plan_name, current_on_sale, current_data_mb, current_sum, best,
      array[${sql.join(idx.map((i) => sql.ref(`d${i}`)))}] as data_mb,
      array[${sql.join(idx.map((i) => sql.ref(`m${i}`)))}] as minutes,
      array[${sql.join(idx.map((i) => sql.ref(`t${i}`)))}] as texts
    from (
      select *, least(${sql.join(eligible)}) as best
      from (
        select *, ${sql.join(perPlan, sql`, `)}
        from (
          select holding_id, customer_id, currency, price_minor as paid, current_plan_id, current_plan_name, current_on_sale, current_data_mb, ${months},
            ${lit(n)} * price_minor + ${sumOver((i) => currentOverage(i))} as current_sum,
            (${sumOver((i) => currentOverage(i))}) > 0 as pays_overage
          from ${current} x
          offset 0
        ) current
        offset 0
      ) costed
      offset 0
    ) advised
    where best is not null`;
}

/** Months that must fit a plan for it to cover the usage at a percentile (nearest rank). */
export function requiredMonths(percentile: number, months: number): number {
  return Math.max(1, Math.ceil(percentile * months - 1e-9));
}

/** An advice row as an object; the chosen plan is decoded from `best` (cost × 16 + index). */
export function toAdvice(row: Record<string, unknown>, plans: Plan[]): TariffAdvice {
  const nums = (key: string) => (row[key] as Array<number | string>).map(Number);
  const dataMb = nums('data_mb');
  const minutes = nums('minutes');
  const texts = nums('texts');
  const n = dataMb.length;
  const best = Number(row.best);
  const plan = plans[best % 16];
  if (!plan) throw new Error(`best-tariff advice names plan ${best % 16} of ${plans.length}`);
  const costSum = Math.floor(best / 16);
  const currentSum = Number(row.current_sum);
  const paid = Number(row.paid);
  const fits = (allowance: number | null, used: number) => allowance === null || used <= Number(allowance);
  const monthsFitting = dataMb.filter(
    (_, k) => fits(plan.data_mb, dataMb[k] ?? 0) && fits(plan.minutes, minutes[k] ?? 0) && fits(plan.texts, texts[k] ?? 0),
  ).length;
  const currentDataMb = row.current_data_mb === null ? null : Number(row.current_data_mb);
  return {
    holdingId: String(row.holding_id),
    customerId: String(row.customer_id),
    currency: String(row.currency),
    paidMinor: paid,
    currentPlanId: String(row.current_plan_id),
    currentPlanName: String(row.current_plan_name),
    currentPlanOnSale: row.current_on_sale === true,
    currentMonthlyCostMinor: Math.round(currentSum / n),
    currentMonthlyOverageMinor: Math.round((currentSum - n * paid) / n),
    planId: plan.id,
    planName: plan.name,
    planPriceMinor: Number(plan.price_minor),
    monthlyCostMinor: Math.round(costSum / n),
    monthlySavingMinor: Math.floor((currentSum - costSum) / n),
    monthsFitting,
    bigger: currentDataMb !== null && (plan.data_mb === null || Number(plan.data_mb) > currentDataMb),
    dataMb,
    minutes,
    texts,
  };
}
