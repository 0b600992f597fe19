// Benchmark: the customer 360 of a random customer through HTTP on PostgreSQL, against a
// baseline in the same run that reads the same rows with one hand-written SQL statement.
// Also reports seeding throughput when it seeds.
//
//   RAPPORT_BENCH_DATABASE_URL  PostgreSQL server URL (default postgres://rapport:rapport@localhost:5432/rapport_bench)
//   RAPPORT_BENCH_CUSTOMERS     customers to seed (default 1,000,000)
//   RAPPORT_BENCH_REQUESTS      measured requests per side (default 5,000)
//   RAPPORT_BENCH_FRESH=1       drop and re-seed even when a seeded database of that size exists

import { Agent, request } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { seedDemo } from '../src/seed/seed.js';
import { createApiKey } from '../src/auth/service.js';
import { systemActor } from '../src/auth/actor.js';
import { formatLatency, latencySummary, type LatencySummary } from './stats.js';

const url = process.env.RAPPORT_BENCH_DATABASE_URL ?? 'postgres://rapport:rapport@localhost:5432/rapport_bench';
const size = Number(process.env.RAPPORT_BENCH_CUSTOMERS ?? 1_000_000);
const requests = Number(process.env.RAPPORT_BENCH_REQUESTS ?? 5_000);
const slug = `bench-${size}`;

/** Starts `rapport serve` (built to dist/) on the bench database and waits until it is ready. */
async function startServerProcess(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../bin/rapport.js', import.meta.url)), 'serve', '--port', String(port)], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '16' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return child;
  }
  child.kill();
  throw new Error('the server did not become ready');
}

/** The baseline: every row the 360 shows, in one statement, written by hand for speed. */
const BASELINE_SQL = `
select json_build_object(
  'customer', row_to_json(c),
  'identities', (select coalesce(json_agg(i order by i.kind, i.created_at), '[]') from customer_identities i
                 where i.workspace_id = c.workspace_id and i.customer_id = c.id),
  'households', (select coalesce(json_agg(json_build_object('id', h.id, 'name', h.name, 'kind', h.kind, 'role', m.role,
                   'members', (select json_agg(json_build_object('customer_id', o.customer_id, 'display_name', oc.display_name, 'role', o.role))
                               from household_members o join customers oc on oc.workspace_id = o.workspace_id and oc.id = o.customer_id
                               where o.workspace_id = h.workspace_id and o.household_id = h.id))), '[]')
                 from household_members m join households h on h.workspace_id = m.workspace_id and h.id = m.household_id
                 where m.workspace_id = c.workspace_id and m.customer_id = c.id),
  'consent', (select coalesce(json_agg(x), '[]') from (select distinct on (purpose, channel) * from consent_events ce
              where ce.workspace_id = c.workspace_id and ce.customer_id = c.id
              order by purpose, channel, recorded_at desc, seq desc) x),
  'holdings', (select coalesce(json_agg(json_build_object('holding', hd, 'product', p, 'line', pl, 'plan', pn,
                 'holder', hc.display_name, 'payer', pc.display_name,
                 'usage', (select row_to_json(u) from usage_records u where u.workspace_id = hd.workspace_id and u.holding_id = hd.id
                           order by u.period_start desc limit 1))), '[]')
               from holdings hd
               join products p on p.workspace_id = hd.workspace_id and p.id = hd.product_id
               join product_lines pl on pl.workspace_id = p.workspace_id and pl.id = p.product_line_id
               join customers hc on hc.workspace_id = hd.workspace_id and hc.id = hd.customer_id
               left join customers pc on pc.workspace_id = hd.workspace_id and pc.id = hd.payer_customer_id
               left join plans pn on pn.workspace_id = hd.workspace_id and pn.id = hd.plan_id
               where hd.workspace_id = c.workspace_id and (hd.customer_id = c.id or hd.payer_customer_id = c.id)),
  'transactions', (select coalesce(json_agg(t), '[]') from (select * from transactions t where t.workspace_id = c.workspace_id
                   and t.customer_id = c.id order by occurred_at desc, id desc limit 10) t),
  'events', (select coalesce(json_agg(e), '[]') from (select * from customer_events e where e.workspace_id = c.workspace_id
             and e.customer_id = c.id order by occurred_at desc, id desc limit 10) e),
  'merged', (select coalesce(json_agg(mc.id), '[]') from customers mc where mc.workspace_id = c.workspace_id and mc.merged_into = c.id)
) as view
from customers c where c.workspace_id = $1 and c.id = $2`;

async function ensureDatabase(): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount && process.env.RAPPORT_BENCH_FRESH === '1') {
      await admin.query(`drop database ${pg.escapeIdentifier(name)} with (force)`);
    }
    if (!exists.rowCount || process.env.RAPPORT_BENCH_FRESH === '1') await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
}

function get(agent: Agent, port: number, path: string, key: string): Promise<{ status: number; ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

export interface Customer360Result {
  customers: number;
  seeded: { seconds: number; customersPerSecond: number } | null;
  http: LatencySummary;
  baseline: LatencySummary;
  concurrent: { concurrency: number; requestsPerSecond: number; latency: LatencySummary };
  p99TargetMs: number;
  meetsTarget: boolean;
}

export async function benchCustomer360(): Promise<Customer360Result> {
  await ensureDatabase();
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  await migrate(database);
  let workspace = await database.db.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst();
  let seeded: Customer360Result['seeded'] = null;
  if (!workspace) {
    process.stderr.write(`seeding ${size.toLocaleString()} customers into ${new URL(url).pathname.slice(1)}…\n`);
    let last = 0;
    const result = await seedDemo(database, {
      size,
      workspaceSlug: slug,
      randomSeed: 42,
      onProgress: (done, total) => {
        if (done - last >= total / 20 || done === total) {
          process.stderr.write(`  ${done.toLocaleString()} / ${total.toLocaleString()}\n`);
          last = done;
        }
      },
    });
    seeded = { seconds: result.seconds, customersPerSecond: Math.round(size / result.seconds) };
    workspace = { id: result.workspace.id };
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('vacuum analyze');
    await client.end();
  } else {
    process.stderr.write(`reusing the seeded database (set RAPPORT_BENCH_FRESH=1 to re-seed and measure seeding)\n`);
  }
  const { key } = await createApiKey(database.db, systemActor(workspace.id, 'bench'), { kind: 'secret', name: 'bench' });
  const ids = (
    await database.db
      .selectFrom('customers')
      .select('id')
      .where('workspace_id', '=', workspace.id)
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null)
      .orderBy((eb) => eb.fn('random'))
      .limit(requests * 2)
      .execute()
  ).map((row) => row.id);
  await database.close();

  // The server runs in its own process, as in production, so the client's work does not share its event loop.
  const port = 39_000 + Math.floor(Math.random() * 1000);
  const server = await startServerProcess(port);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  const baselineClient = new pg.Client({ connectionString: url });
  await baselineClient.connect();

  // Warm both paths (connection pools, plan caches, JIT) on ids that are not measured.
  for (let i = 0; i < 300; i++) {
    const id = ids[i % ids.length] as string;
    await get(agent, port, `/api/v1/customers/${id}`, key);
    await baselineClient.query({ name: 'baseline_360', text: BASELINE_SQL, values: [workspace.id, id] });
  }

  const httpTimes: number[] = [];
  const baseTimes: number[] = [];
  // Interleave the two sides so that background noise hits both alike, each on customers
  // of its own: the first read of a customer's rows is slower than the second.
  for (let i = 0; i < requests; i++) {
    const httpId = ids[2 * i] as string;
    const res = await get(agent, port, `/api/v1/customers/${httpId}`, key);
    if (res.status !== 200) throw new Error(`GET /api/v1/customers/${httpId} answered ${res.status}`);
    httpTimes.push(res.ms);
    const started = process.hrtime.bigint();
    await baselineClient.query({ name: 'baseline_360', text: BASELINE_SQL, values: [workspace.id, ids[2 * i + 1]] });
    baseTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
  }

  const concurrency = 16;
  const concurrentTimes: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++] as string;
        concurrentTimes.push((await get(agent, port, `/api/v1/customers/${id}`, key)).ms);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  await baselineClient.end();
  agent.destroy();
  server.kill('SIGTERM');

  const http = latencySummary(httpTimes);
  const baseline = latencySummary(baseTimes);
  const result: Customer360Result = {
    customers: size,
    seeded,
    http,
    baseline,
    concurrent: { concurrency, requestsPerSecond: Math.round(ids.length / seconds), latency: latencySummary(concurrentTimes) },
    p99TargetMs: 15,
    meetsTarget: http.p99 < 15,
  };
  const lines = [
    `customer 360 over HTTP (server in its own process) on PostgreSQL, ${size.toLocaleString()} customers, ${requests.toLocaleString()} random customers per side, one at a time`,
    seeded
      ? `  seeding:            ${seeded.seconds.toFixed(1)} s, ${seeded.customersPerSecond.toLocaleString()} customers/s`
      : '  seeding:            reused',
    `  HTTP 360:           ${formatLatency(http)}`,
    `  baseline SQL:       ${formatLatency(baseline)}`,
    `  ratio HTTP/baseline: median ×${(http.median / baseline.median).toFixed(2)}, p99 ×${(http.p99 / baseline.p99).toFixed(2)}`,
    `  ${concurrency} concurrent:      ${result.concurrent.requestsPerSecond.toLocaleString()} req/s, ${formatLatency(result.concurrent.latency)}`,
    `  target p99 < 15 ms: ${result.meetsTarget ? 'met' : 'NOT met'}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return result;
}
