// Benchmark: the public survey page through HTTP on PostgreSQL. Render (GET of a signed link)
// and submission (POST of a page of answers: verify the link, save the response, run the
// follow-up rules) against baselines in the same run on the same database pool: a minimal
// Fastify route sending a static page of the same size, and a minimal Fastify route parsing
// the same form and inserting one row.
//
//   RAPPORT_BENCH_FEEDBACK_URL       PostgreSQL server URL (default postgres://rapport:rapport@localhost:5432/rapport_bench_feedback)
//   RAPPORT_BENCH_FEEDBACK_REQUESTS  measured requests per side (default 1,000; twice as many invitations are made)
//   RAPPORT_BENCH_CONCURRENCY        requests in flight (default 16)
//
// Run alone: `npx tsx bench/feedback-page.ts`, or `npm run bench -- feedback-page`.

import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { inviteCustomer, linkOf } from '../src/feedback/invitations.js';
import { createSurvey, requireSurvey } from '../src/feedback/surveys.js';
import { createWorkspace } from '../src/workspaces/service.js';
import { formatLatency, latencySummary, type LatencySummary } from './stats.js';

const url = process.env.RAPPORT_BENCH_FEEDBACK_URL ?? 'postgres://rapport:rapport@localhost:5432/rapport_bench_feedback';
const requests = Number(process.env.RAPPORT_BENCH_FEEDBACK_REQUESTS ?? 1000);
const concurrency = Number(process.env.RAPPORT_BENCH_CONCURRENCY ?? 16);

async function freshDatabase(): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (!exists.rowCount) await admin.query(`create database ${name}`);
  await admin.end();
  const reset = new pg.Client({ connectionString: url });
  await reset.connect();
  await reset.query('drop schema if exists public cascade');
  await reset.query('create schema public');
  await reset.query('create extension if not exists pg_trgm');
  await reset.end();
}

interface Side {
  requestsPerSecond: number;
  latency: LatencySummary;
}

/** Sends `count` requests, `concurrency` at a time, and times each. */
async function run(count: number, send: (i: number) => Promise<Response>, expectStatus: number): Promise<Side> {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        const response = await send(i);
        await response.arrayBuffer();
        if (response.status !== expectStatus) throw new Error(`request ${i}: status ${response.status}`);
        times.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { requestsPerSecond: count / seconds, latency: latencySummary(times) };
}

const form = (nps: number) =>
  new URLSearchParams([
    ['page', '1'],
    ['q_nps', String(nps)],
    ['q_feel', 'smart'],
    ['q_feel', 'safe'],
  ]).toString();

export async function benchFeedbackPage() {
  await freshDatabase();
  const database = await openDatabase({ databaseUrl: url, poolSize: 16 });
  await migrate(database);
  const config = loadConfig({ LOG_LEVEL: 'warn' }, { databaseUrl: url, port: 0 });
  const db = database.db;
  const workspace = await createWorkspace(db, { name: 'Bench Telecom', slug: 'bench-feedback' });
  const survey = await requireSurvey(
    db,
    workspace.id,
    (
      await createSurvey(db, workspace.id, {
        name: 'After your call',
        kind: 'interaction',
        definition: {
          defaultLanguage: 'en',
          title: { en: 'How did we do?' },
          questions: [
            { id: 'nps', type: 'nps', required: true, text: { en: 'How likely are you to recommend us to a friend?' } },
            { id: 'feel', type: 'feelings', text: { en: 'How did this make you feel?' } },
            { id: 'why', type: 'text', page: 2, text: { en: 'What is the main reason for your score?' } },
          ],
        },
      })
    ).id,
  );
  // Two invitations per customer: one whose page is read, one that is answered.
  await sql`insert into customers (workspace_id, id, display_name, traits, language)
    select ${workspace.id}, 'cus_bench' || g, 'Customer ' || g, jsonb_build_object('segment', 'consumer'), 'en'
    from generate_series(1, ${requests}) g`.execute(db);
  const setupStarted = performance.now();
  const links: string[] = [];
  for (let i = 1; i <= requests; i++) {
    for (const kind of ['read', 'answer']) {
      const row = await db
        .transaction()
        .execute((trx) => inviteCustomer(trx, config, survey, `cus_bench${i}`, { key: `${kind}:${i}` }, { ignoreContactFrequency: true }));
      links.push(new URL(await linkOf(db, config, row)).pathname);
    }
  }
  process.stdout.write(`feedback-page: ${links.length} invitations made in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s\n`);

  const app = await buildApp(config, { database });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const readLinks = links.filter((_, i) => i % 2 === 0);
  const answerLinks = links.filter((_, i) => i % 2 === 1);
  const sample = await fetch(`${base}${readLinks[0]}`).then((r) => r.text());

  // The baselines: the same page bytes from a route that does nothing, and one plain insert per form.
  await sql`create table bench_form_rows (id bigserial primary key, body text not null, created_at timestamptz not null default now())`.execute(
    db,
  );
  const baseline = Fastify({ logger: false });
  baseline.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  baseline.get('/page', async (_request, reply) => reply.type('text/html; charset=utf-8').send(sample));
  baseline.post('/form', async (request, reply) => {
    await sql`insert into bench_form_rows (body) values (${JSON.stringify(request.body)})`.execute(db);
    return reply.redirect('/page', 303);
  });
  const baselineBase = await baseline.listen({ port: 0, host: '127.0.0.1' });

  const warm = Math.min(200, requests);
  await run(warm, () => fetch(`${baselineBase}/page`), 200);
  await run(warm, (i) => fetch(`${base}${readLinks[i]}`), 200);

  const renderBaseline = await run(requests, () => fetch(`${baselineBase}/page`), 200);
  const render = await run(requests, (i) => fetch(`${base}${readLinks[i]}`), 200);
  const post = (target: string, nps: number) =>
    fetch(target, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form(nps),
    });
  const submitBaseline = await run(requests, (i) => post(`${baselineBase}/form`, i % 11), 303);
  const submit = await run(requests, (i) => post(`${base}${answerLinks[i]}`, i % 11), 303);

  const stored = await db
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const followUps = await db
    .selectFrom('survey_followups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  await app.close();
  await baseline.close();
  await database.close();

  const ratio = (a: Side, b: Side) => a.requestsPerSecond / b.requestsPerSecond;
  const line = (name: string, side: Side) =>
    `  ${name.padEnd(26)} ${side.requestsPerSecond.toFixed(0).padStart(6)} req/s  ${formatLatency(side.latency)}\n`;
  process.stdout.write(
    `feedback-page (PostgreSQL, ${requests} requests per side, ${concurrency} in flight, page ${sample.length} bytes)\n`,
  );
  process.stdout.write(line('survey page GET', render));
  process.stdout.write(line('baseline static page', renderBaseline));
  process.stdout.write(`  render throughput ratio: ${ratio(render, renderBaseline).toFixed(3)} of the static page\n`);
  process.stdout.write(line('answer POST', submit));
  process.stdout.write(line('baseline one-row insert', submitBaseline));
  process.stdout.write(`  submit throughput ratio: ${ratio(submit, submitBaseline).toFixed(3)} of the plain insert\n`);
  process.stdout.write(`  responses stored: ${Number(stored.n)}, follow-up cases opened: ${Number(followUps.n)}\n`);
  return {
    requests,
    concurrency,
    pageBytes: sample.length,
    render,
    renderBaseline,
    renderRatio: ratio(render, renderBaseline),
    submit,
    submitBaseline,
    submitRatio: ratio(submit, submitBaseline),
    responses: Number(stored.n),
    followUps: Number(followUps.n),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchFeedbackPage();
