// Benchmark: best-tariff advice for 1,000,000 subscriptions × 3 months × 10 plans on
// PostgreSQL, against a baseline measured in the same run: one SQL scan of the usage table.
//
//   npx tsx bench/giving.ts          (or: npm run bench -- giving)
//   RAPPORT_BENCH_GIVING_URL   PostgreSQL database (default postgres://rapport:rapport@localhost:5432/rapport_bench_giving)
//   RAPPORT_BENCH_SUBSCRIPTIONS  active subscriptions wanted (default 1,000,000)
//
// The database is a copy of the seeded 1M-customer bench database
// (`create database rapport_bench_giving template rapport_bench`). This script migrates it,
// puts 10 plans on sale in the SIM-only product and tops the active subscriptions with the
// last 3 months of usage up to the target, set-based, copying existing ones. The advice is the
// very statement the giving job runs (src/giving/best-tariff.ts), over the whole product
// at once; its rows are counted and summed in the database.

import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import { monthlyPlansOnSale } from '../src/catalog/plan-queries.js';
import { bestTariffQuery, usageMonths } from '../src/giving/best-tariff.js';
import { parseRuleConfig } from '../src/giving/rules.js';

const url = process.env.RAPPORT_BENCH_GIVING_URL ?? 'postgres://rapport:rapport@localhost:5432/rapport_bench_giving';
const target = Number(process.env.RAPPORT_BENCH_SUBSCRIPTIONS ?? 1_000_000);
const RUNS = 3;

// Extra SIM-only plans so that 10 are on sale.
const EXTRA_PLANS = [
  { code: 'sim-1gb', price: 600, dataGb: 1 },
  { code: 'sim-5gb', price: 1000, dataGb: 5 },
  { code: 'sim-20gb', price: 1400, dataGb: 20 },
  { code: 'sim-50gb', price: 1800, dataGb: 50 },
  { code: 'sim-200gb', price: 2200, dataGb: 200 },
];

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function prepare(db: Kysely<DB>) {
  const product = await db.selectFrom('products').select(['id', 'workspace_id']).where('code', '=', 'sim-only').executeTakeFirstOrThrow();
  const ws = product.workspace_id;
  for (const plan of EXTRA_PLANS) {
    await sql`insert into plans (workspace_id, id, product_id, code, name, price_minor, currency, billing_period, data_mb, overage_per_gb_minor)
      values (${ws}, ${`pln_bench_${plan.code.replace(/-/g, '_')}`}, ${product.id}, ${plan.code}, ${`SIM Only ${plan.dataGb} GB`}, ${plan.price}, 'GBP', 'month', ${plan.dataGb * 1024}, 300)
      on conflict (workspace_id, code) do nothing`.execute(db);
  }
  const latest = await sql<{
    latest: string;
  }>`select max(period_start)::text as latest from usage_records where workspace_id = ${ws}`.execute(db);
  const last = new Date(`${latest.rows[0]?.latest}T00:00:00Z`);
  // The run date sits two weeks into the month after the latest usage, so its 3 full months are the latest 3.
  const now = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 15));
  const months = usageMonths(now, 3);
  const covered = async () =>
    Number(
      (
        await sql<{
          n: number;
        }>`select count(*) as n from holdings h where h.workspace_id = ${ws} and h.product_id = ${product.id} and h.status = 'active'
          and (select count(*) from usage_records u where u.workspace_id = h.workspace_id and u.holding_id = h.id
            and u.period_start in (${sql.join(months.map((m) => sql`${m}::date`))})) = 3`.execute(db)
      ).rows[0]?.n ?? 0,
    );
  let subscriptions = await covered();
  if (subscriptions < target) {
    const missing = target - subscriptions;
    process.stdout.write(`  topping up ${missing} subscriptions (copies of existing ones with their last 3 months of usage)\n`);
    await db.transaction().execute(async (trx) => {
      await sql`create temp table bench_extra on commit drop as
        select h.*, 'hld_benchx' || lpad(row_number() over (order by h.id)::text, 8, '0') as new_id
        from holdings h where h.workspace_id = ${ws} and h.product_id = ${product.id} and h.status = 'active' order by h.id limit ${missing}`.execute(
        trx,
      );
      await sql`insert into holdings (workspace_id, id, customer_id, product_id, plan_id, status, started_at, price_minor, currency)
        select workspace_id, new_id, customer_id, product_id, plan_id, status, started_at, price_minor, currency from bench_extra`.execute(
        trx,
      );
      await sql`insert into usage_records (workspace_id, holding_id, period_start, period_end, data_mb, minutes, texts)
        select u.workspace_id, e.new_id, u.period_start, u.period_end, u.data_mb, u.minutes, u.texts
        from usage_records u join bench_extra e on e.workspace_id = u.workspace_id and e.id = u.holding_id
        where u.period_start in (${sql.join(months.map((m) => sql`${m}::date`))})`.execute(trx);
    });
    await sql`analyze holdings`.execute(db);
    await sql`analyze usage_records`.execute(db);
    subscriptions = await covered();
  }
  return { ws, productId: product.id, now, months, subscriptions };
}

export async function benchGiving(): Promise<Record<string, unknown>> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  try {
    await migrate(database);
    const db = database.db;
    const setup = await prepare(db);
    const plans = await monthlyPlansOnSale(db, setup.ws, setup.productId);
    const usageRows = Number((await sql<{ n: number }>`select count(*) as n from usage_records`.execute(db)).rows[0]?.n ?? 0);
    process.stdout.write(
      `giving: ${setup.subscriptions} active subscriptions with 3 months of usage, ${plans.length} plans on sale, ${usageRows} usage rows in all\n`,
    );
    const rule = await db
      .selectFrom('giving_rules')
      .select('id')
      .where('workspace_id', '=', setup.ws)
      .where('kind', '=', 'best_tariff')
      .executeTakeFirst();
    const scope = {
      workspaceId: setup.ws,
      productId: setup.productId,
      months: setup.months,
      config: parseRuleConfig('best_tariff', {}),
      ruleId: rule?.id ?? 'grl_none',
      now: setup.now,
    };
    const baseline: number[] = [];
    const advice: number[] = [];
    let summary = { advised: 0, monthly_saving: 0 };
    for (let run = 0; run < RUNS; run++) {
      // The baseline: one plain scan of the whole usage table, aggregating every row.
      const scan = await timed(() => sql`select count(*), sum(data_mb), sum(minutes), sum(texts) from usage_records`.execute(db));
      baseline.push(scan.ms);
      const costed = await timed(() =>
        db.transaction().execute(async (trx) => {
          // Room for the one hash aggregate over the usage; JIT compilation costs more than it saves here.
          await sql`set local work_mem = '256MB'`.execute(trx);
          await sql`set local jit = off`.execute(trx);
          return sql<{ advised: number; monthly_saving: number }>`select count(*) as advised,
              coalesce(sum(a.current_sum - a.best / 16), 0)::bigint / 3 as monthly_saving
            from (${bestTariffQuery(trx, scope, plans)}) a`.execute(trx);
        }),
      );
      advice.push(costed.ms);
      summary = {
        advised: Number(costed.result.rows[0]?.advised ?? 0),
        monthly_saving: Number(costed.result.rows[0]?.monthly_saving ?? 0),
      };
      process.stdout.write(
        `  run ${run + 1}: usage scan ${(scan.ms / 1000).toFixed(2)} s, best-tariff advice ${(costed.ms / 1000).toFixed(2)} s\n`,
      );
    }
    const result = {
      subscriptions: setup.subscriptions,
      months: setup.months.length,
      plansOnSale: plans.length,
      usageRows,
      baselineScanSeconds: median(baseline) / 1000,
      adviceSeconds: median(advice) / 1000,
      ratio: median(advice) / median(baseline),
      advised: summary.advised,
      monthlySavingFoundMinor: summary.monthly_saving,
      targetSeconds: 30,
    };
    process.stdout.write(
      `giving: best-tariff advice for ${result.subscriptions} subscriptions × ${result.months} months × ${result.plansOnSale} plans in ${result.adviceSeconds.toFixed(2)} s ` +
        `(target < 30 s); one scan of the ${usageRows}-row usage table ${result.baselineScanSeconds.toFixed(2)} s; ratio ${result.ratio.toFixed(2)}×; ` +
        `${result.advised} subscriptions advised, £${(result.monthlySavingFoundMinor / 100).toFixed(0)} a month of savings found\n`,
    );
    return result;
  } finally {
    await database.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await benchGiving();
}
