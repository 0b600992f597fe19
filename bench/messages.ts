// Benchmark: 100,000 queued emails delivered through the outbox by 2 worker processes to a
// local SMTP server in its own process, against a baseline in the same run: nodemailer in 2
// processes sending the same emails straight to the same server, pooled the same way, with
// no database. Zero duplicates and zero lost are checked by Message-ID at the SMTP server.
//
//   RAPPORT_BENCH_MESSAGES_URL  PostgreSQL server URL (default postgres://rapport:rapport@localhost:5432/rapport_bench_messages)
//   RAPPORT_BENCH_MESSAGES      messages (default 100,000)
//
// Run alone: `npx tsx bench/messages.ts`, or `npm run bench -- messages`.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createWorkspace } from '../src/workspaces/service.js';
import { benchEmail } from './messages/shared.js';

const url = process.env.RAPPORT_BENCH_MESSAGES_URL ?? 'postgres://rapport:rapport@localhost:5432/rapport_bench_messages';
const total = Number(process.env.RAPPORT_BENCH_MESSAGES ?? 100_000);
const WORKERS = 2;

const script = (name: string) => fileURLToPath(new URL(`./messages/${name}`, import.meta.url));
const spawnTs = (name: string, args: string[]): ChildProcess =>
  fork(script(name), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

function ask<T>(child: ChildProcess, type: string, request: object = { type }): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', listener);
      resolve(message as T);
    };
    child.on('message', listener);
    child.send(request);
  });
}

interface SinkStats {
  received: number;
  unique: number;
  duplicates: number;
}

async function ensureDatabase(): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (!exists.rowCount) await admin.query(`create database ${name}`);
  await admin.end();
}

/** A fresh schema each run: workspace, customers with email addresses, and `total` queued messages. */
async function prepare() {
  await ensureDatabase();
  const reset = new pg.Client({ connectionString: url });
  await reset.connect();
  await reset.query('drop schema if exists public cascade');
  await reset.query('create schema public');
  await reset.query('create extension if not exists pg_trgm');
  await reset.end();
  const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  await migrate(database);
  const workspace = await createWorkspace(database.db, { name: 'Bench Telecom', slug: 'bench-messages' });
  const { subject, body } = benchEmail(0);
  const started = performance.now();
  await sql`insert into customers (workspace_id, id, display_name, traits, preferred_channels, language)
    select ${workspace.id}, 'cus_bench' || g, 'Customer' || g, jsonb_build_object('firstName', 'Customer' || g), '{email}', 'en'
    from generate_series(1, ${total}) g`.execute(database.db);
  await sql`insert into customer_identities (workspace_id, kind, value, customer_id)
    select ${workspace.id}, 'email', 'customer' || g || '@bench.example', 'cus_bench' || g from generate_series(1, ${total}) g`.execute(
    database.db,
  );
  // The same text enqueue would store: the template rendered for each customer.
  await sql`insert into messages (workspace_id, id, customer_id, purpose, template_key, language, channel, recipient, subject, body,
      status, idempotency_key, next_attempt_at)
    select ${workspace.id}, 'msg_bench' || g, 'cus_bench' || g, 'service', 'outage_fixed', 'en', 'email', 'customer' || g || '@bench.example',
      replace(${subject}, 'Customer0', 'Customer' || g), replace(${body}, 'Customer0', 'Customer' || g), 'queued', 'msg_bench' || g, now()
    from generate_series(1, ${total}) g`.execute(database.db);
  await sql`analyze messages`.execute(database.db);
  process.stdout.write(`prepared ${total} queued messages in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return database;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function benchMessages() {
  const database = await prepare();
  const sink = spawnTs('smtp-sink.ts', []);
  const { port } = await new Promise<{ port: number }>((resolve) => sink.once('message', (m: { port: number }) => resolve(m)));
  const smtpUrl = `smtp://127.0.0.1:${port}`;

  // Baseline: nodemailer straight to the sink, 2 processes, no database.
  let started = performance.now();
  const half = Math.ceil(total / WORKERS);
  const senders = Array.from({ length: WORKERS }, (_, i) =>
    spawnTs('direct-sender.ts', [smtpUrl, String(i * half + 1), String(Math.min(total, (i + 1) * half))]),
  );
  await Promise.all(senders.map((s) => new Promise((resolve) => s.once('exit', resolve))));
  const baselineSeconds = (performance.now() - started) / 1000;
  const baselineStats = await ask<SinkStats>(sink, 'stats');
  await ask(sink, 'reset');

  // The outbox: 2 worker processes claiming with SKIP LOCKED.
  started = performance.now();
  const workers = Array.from({ length: WORKERS }, (_, i) => spawnTs('worker.ts', [url, smtpUrl, `bench-${i}`]));
  await waitFor(async () => (await ask<SinkStats>(sink, 'stats')).received >= total, 30 * 60_000).catch(() => undefined);
  const outboxSeconds = (performance.now() - started) / 1000;
  // Let the workers record their last round, then stop them.
  await waitFor(
    async () =>
      Number((await sql<{ n: number }>`select count(*)::int as n from messages where status <> 'sent'`.execute(database.db)).rows[0]?.n) ===
      0,
    60_000,
  ).catch(() => undefined);
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));

  const stats = await ask<SinkStats>(sink, 'stats');
  const { ids } = await ask<{ ids: string[] }>(sink, 'ids');
  const received = new Set(ids.map((id) => id.replace(/^<|@.*$/g, '')));
  const keys = await sql<{ key: string; status: string }>`select idempotency_key as key, status from messages`.execute(database.db);
  const lost = keys.rows.filter((r) => !received.has(r.key)).length;
  const notMarkedSent = keys.rows.filter((r) => r.status !== 'sent').length;
  sink.send({ type: 'stop' });
  await database.close();

  const outboxRate = total / outboxSeconds;
  const baselineRate = baselineStats.received / baselineSeconds;
  const result = {
    messages: total,
    workers: WORKERS,
    outbox: {
      seconds: +outboxSeconds.toFixed(2),
      messagesPerSecond: Math.round(outboxRate),
      received: stats.received,
      unique: stats.unique,
      duplicates: stats.duplicates,
      lost,
      notMarkedSent,
    },
    baseline: {
      seconds: +baselineSeconds.toFixed(2),
      messagesPerSecond: Math.round(baselineRate),
      received: baselineStats.received,
      duplicates: baselineStats.duplicates,
    },
    ratio: +(outboxRate / baselineRate).toFixed(3),
  };
  process.stdout.write(
    [
      `\nMessages bench: ${total} emails, ${WORKERS} processes each side, SMTP server in its own process`,
      `  outbox (PostgreSQL, SKIP LOCKED):   ${outboxSeconds.toFixed(1)} s, ${Math.round(outboxRate)} messages/s; received ${stats.received}, unique ${stats.unique}, duplicates ${stats.duplicates}, lost ${lost}, rows not marked sent ${notMarkedSent}`,
      `  baseline (nodemailer direct, pooled): ${baselineSeconds.toFixed(1)} s, ${Math.round(baselineRate)} messages/s; received ${baselineStats.received}`,
      `  outbox / baseline throughput: ${result.ratio}`,
      '',
    ].join('\n'),
  );
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchMessages();
