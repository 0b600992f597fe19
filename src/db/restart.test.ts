import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../auth/actor.js';
import { loadConfig, type Config } from '../config.js';
import { isConnectionError } from '../errors.js';
import { startSurveySweeper } from '../feedback/background.js';
import { createSurvey, NPS_SURVEY } from '../feedback/feedback.test-helpers.js';
import { startGivingScheduler } from '../giving/background.js';
import { runGiving } from '../giving/job.js';
import { importStream } from '../ingest/import/run-import.js';
import { basicAuth } from '../ingest/ingest.test-helpers.js';
import { enqueueMessage } from '../messages/enqueue.js';
import { startServer } from '../server.js';
import { createTenant, type TestTenant } from '../test/app.js';
import { insertMessageCustomer, insertTemplate } from '../test/messages.js';
import { findPostgresBin, startPrivatePostgres, type PrivatePostgres, type ShutdownMode } from '../test/private-postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../test/smtp.js';

// This file restarts a PostgreSQL server, so it starts one of its own (never the shared one
// other test files use) and runs the same way whether the suite runs on PGlite or PostgreSQL.
// The server under test runs in this process with all its workers: an unhandled 'error'
// event from the database driver would crash this process and fail the run, which is how
// the original bug showed ("Emitted 'error' event on BoundPool", exit 1).
const bin = findPostgresBin();
const suite = bin ? describe : describe.skip;
const title = bin
  ? 'surviving PostgreSQL restarts'
  : 'surviving PostgreSQL restarts (skipped: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin)';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

suite(title, () => {
  let postgres: PrivatePostgres;
  let smtp: TestSmtpServer;
  let app: FastifyInstance;
  let base: string;
  let tenant: TestTenant;
  let config: Config;
  let cliWorker: { process: ChildProcess; output: string; exited: Promise<[number | null]> };

  beforeAll(async () => {
    postgres = await startPrivatePostgres(bin as string);
    smtp = await startSmtpServer();
    // Started first: its start-up (loading the CLI through tsx) overlaps the server's.
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'cli.ts'), 'messages-worker'], {
      env: { ...process.env, DATABASE_URL: postgres.url, RAPPORT_SMTP_URL: smtp.url, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cliWorker = { process: child, output: '', exited: once(child, 'exit') as Promise<[number | null]> };
    child.stdout.on('data', (chunk: Buffer) => (cliWorker.output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (cliWorker.output += chunk.toString()));
    config = loadConfig({
      LOG_LEVEL: 'silent',
      DATABASE_URL: postgres.url,
      PORT: '0',
      RAPPORT_SMTP_URL: smtp.url,
      RAPPORT_DATA_DIR: 'memory://',
    });
    app = await startServer(config);
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    tenant = await createTenant(app, 'Restart Co');
    // Up before anything is restarted (a worker starting while the database is down exits).
    await waitFor('the messages worker process to start', async () => cliWorker.output.includes('Delivering messages as'), 40_000).catch(
      (error: Error) => {
        throw new Error(`${error.message} (exit code ${cliWorker.process.exitCode}): ${cliWorker.output}`);
      },
    );
  });

  afterAll(async () => {
    if (cliWorker && cliWorker.process.exitCode === null) {
      cliWorker.process.kill('SIGTERM');
      await cliWorker.exited;
    }
    await app?.close();
    await smtp?.close();
    await postgres?.destroy();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const started = Date.now();
    const response = await fetch(`${base}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as unknown, ms: Date.now() - started };
  };
  const readyz = () => get('/readyz');

  /** What a database outage must look like from outside: not ready, and requests refused fast with the documented body. */
  async function expectOutage(): Promise<void> {
    const ready = await readyz();
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'database unreachable', database: 'postgres' });
    const customers = await get('/api/v1/customers', { authorization: `Bearer ${tenant.secretKey}` });
    expect(customers.status).toBe(503);
    expect(customers.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    expect(customers.ms).toBeLessThan(3000);
    expect((await get('/healthz')).status).toBe(200);
  }

  async function waitUntilReady(): Promise<number> {
    const started = Date.now();
    await waitFor('/readyz to answer 200', async () => (await readyz()).status === 200, 10_000);
    return Date.now() - started;
  }

  /**
   * Sends batches of track events like Segment's clients do: a batch that is not acknowledged
   * (any answer but 200) is sent again, with the same message ids, until it is.
   */
  function startSenders(senders: number) {
    const acknowledged = new Set<string>();
    const refusals: Array<{ status: number; body: unknown }> = [];
    let stopping = false;
    let next = 0;
    const sendOne = async (sender: number) => {
      while (!stopping) {
        const batch = Array.from({ length: 10 }, () => {
          const n = next++;
          return {
            type: 'track',
            event: 'Plan Viewed',
            userId: `user-${sender}-${n % 7}`,
            messageId: `restart-${n}`,
            properties: { n },
            timestamp: new Date().toISOString(),
          };
        });
        for (;;) {
          let status = 0;
          let body: unknown;
          try {
            const response = await fetch(`${base}/v1/batch`, {
              method: 'POST',
              headers: { authorization: basicAuth(tenant.writeKey), 'content-type': 'application/json' },
              body: JSON.stringify({ batch }),
            });
            status = response.status;
            body = await response.json();
          } catch (error) {
            body = String(error);
          }
          if (status === 200) {
            for (const event of batch) acknowledged.add(event.messageId);
            break;
          }
          refusals.push({ status, body });
          await sleep(100);
        }
      }
    };
    const running = Promise.all(Array.from({ length: senders }, (_, i) => sendOne(i)));
    return {
      acknowledged,
      refusals,
      async stop() {
        stopping = true;
        await running;
      },
    };
  }

  const storedEvents = () =>
    app.database.db.selectFrom('ingest_events').select(['message_id', 'status']).where('workspace_id', '=', tenant.workspace.id).execute();

  it('rides through fast and immediate restarts and dropped connections under ingestion, storing every acknowledged event once', async () => {
    const senders = startSenders(3);
    const acknowledgedSoFar = () => senders.acknowledged.size;
    await waitFor('events to be acknowledged', async () => acknowledgedSoFar() >= 50);

    for (const mode of ['fast', 'immediate'] as ShutdownMode[]) {
      await postgres.stop(mode);
      await expectOutage();
      await sleep(300);
      const before = acknowledgedSoFar();
      await postgres.start();
      expect(await waitUntilReady()).toBeLessThan(5000);
      await waitFor(`ingestion to resume after the ${mode} restart`, async () => acknowledgedSoFar() >= before + 50);
    }

    // What maintenance does in one command, and a connection dropped under the server's feet.
    for (const mode of ['fast', 'immediate'] as ShutdownMode[]) {
      const before = acknowledgedSoFar();
      await postgres.restart(mode);
      await waitUntilReady();
      await waitFor(`ingestion to resume after pg_ctl restart -m ${mode}`, async () => acknowledgedSoFar() >= before + 50);
    }
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    const terminated = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and backend_type = 'client backend'`,
    );
    await admin.end();
    expect(terminated.rowCount).toBeGreaterThan(0);
    const before = acknowledgedSoFar();
    await waitFor('ingestion to resume after the connections were dropped', async () => acknowledgedSoFar() >= before + 50);

    await senders.stop();
    // Refused batches were answered 503 with the documented body (never a 500, never a dropped connection).
    expect(senders.refusals.length).toBeGreaterThan(0);
    for (const refusal of senders.refusals) {
      expect(refusal).toEqual({ status: 503, body: { error: { code: 'unavailable', message: expect.any(String) } } });
    }
    // The processor came back by itself and applied everything.
    const stored = await waitFor(
      'every stored event to be applied',
      async () => {
        const rows = await storedEvents();
        return rows.every((r) => r.status === 'done') ? rows : undefined;
      },
      20_000,
    );
    const acknowledged = [...senders.acknowledged].sort();
    expect(stored.map((r) => r.message_id).sort()).toEqual(acknowledged);
    const timeline = await app.database.db
      .selectFrom('customer_events')
      .select('message_id')
      .where('workspace_id', '=', tenant.workspace.id)
      .execute();
    expect(timeline.map((r) => r.message_id).sort()).toEqual(acknowledged);
  });

  it('delivers every message exactly once when the database restarts while a batch is with the mail relay', async () => {
    const workspaceId = tenant.workspace.id;
    const db = () => app.database.db;
    await insertTemplate(db(), workspaceId, 'bill', 'service', 'Hi {{ customer.first_name }}, your bill is ready.');
    const keys: string[] = [];
    // In one transaction, so that the worker sees them all at once and claims them in one batch.
    const enqueue = (count: number) =>
      db()
        .transaction()
        .execute(async (trx) => {
          for (let i = 0; i < count; i++) {
            const customer = await insertMessageCustomer(trx, workspaceId, {
              displayName: `Ada Number${keys.length}`,
              email: `ada${keys.length}@example.com`,
            });
            const message = await enqueueMessage(trx, workspaceId, { customerId: customer, purpose: 'service', templateKey: 'bill' });
            keys.push(message.idempotencyKey);
          }
        });
    const statuses = async () =>
      (await db().selectFrom('messages').select(['status', 'reason']).where('workspace_id', '=', workspaceId).execute()).map(
        (m) => `${m.status}${m.reason ? `/${m.reason}` : ''}`,
      );

    for (const mode of ['fast', 'immediate'] as ShutdownMode[]) {
      const release = smtp.hold();
      const from = keys.length;
      try {
        // Five: the worker's SMTP pool has five connections, so all five are with the relay at once.
        await enqueue(5);
        // The worker claimed the batch and handed it to the relay, which has not answered yet.
        await waitFor('the relay to hold the batch', async () => smtp.held >= 5);
        await postgres.stop(mode);
      } finally {
        release();
      }
      // The relay accepted every mail while the database was down: the worker must not forget it sent them.
      await sleep(500);
      await postgres.start();
      await waitUntilReady();
      await waitFor(
        `every message to be recorded as sent after the ${mode} restart`,
        async () => (await statuses()).every((s) => s === 'sent'),
        15_000,
      );
      expect(keys.length - from).toBe(5);
    }

    // The worker is still running: a message queued now goes out.
    await enqueue(1);
    await waitFor('a message queued after the restarts to be sent', async () => (await statuses()).every((s) => s === 'sent'));

    const sentKeys = smtp.received.map((mail) => /^<([^@]+)@/.exec(mail.headers.get('message-id') ?? '')?.[1]).sort();
    expect(sentKeys).toEqual([...keys].sort());
  });

  it('brings the survey sweeper and the giving scheduler back by themselves after an outage', async () => {
    const db = app.database.db;
    const survey = await createSurvey(tenant, { ...NPS_SURVEY, status: 'active', trigger: { events: ['interaction'] } });
    const sweptAt = async () =>
      (
        await db
          .selectFrom('surveys')
          .select('swept_at')
          .where('workspace_id', '=', tenant.workspace.id)
          .where('id', '=', survey.id)
          .executeTakeFirst()
      )?.swept_at ?? undefined;
    const since = new Date();
    const failures: unknown[] = [];
    await postgres.stop('immediate');
    // Both start while the database is down: the sweeper's first round a second from now fails.
    const sweeper = startSurveySweeper(db, config, (error) => failures.push(error));
    const giving = startGivingScheduler(db, { intervalMinutes: 1440, firstDelayMs: 0 }, (error) => failures.push(error));
    try {
      await waitFor('the sweeper to meet the outage', async () => failures.length > 0, 5000);
      expect(failures.every((error) => isConnectionError(error))).toBe(true);
      await postgres.start();
      // Not at its next minute: within seconds, backing off.
      expect(await waitFor('a sweep round to go through', sweptAt, 8000)).toBeInstanceOf(Date);
      await waitFor(
        'the giving run started during the outage to finish',
        async () =>
          (await db
            .selectFrom('giving_runs')
            .select('id')
            .where('workspace_id', '=', tenant.workspace.id)
            .where('started_at', '>=', since)
            .where('finished_at', 'is not', null)
            .executeTakeFirst()) ?? false,
        8000,
      );
    } finally {
      await sweeper.stop();
      await giving.stop();
    }
  });

  it('lets long jobs wait out an outage: a giving run, an import, and a messages-worker process', async () => {
    const workspaceId = tenant.workspace.id;
    const db = app.database.db;

    // The giving job started while the database is down, which comes back a moment later.
    await postgres.stop('fast');
    const giving = runGiving(db, { workspaceId });
    await sleep(700);
    await postgres.start();
    const { runs } = await giving;
    expect(runs).toHaveLength(1);
    expect(runs[0]?.chunksDone).toBeGreaterThan(0);

    // An import whose database crashes a third of the way through its file.
    const rows = 300;
    async function* file() {
      yield 'name,email\n';
      for (let i = 0; i < rows; i++) {
        if (i === 100) {
          await postgres.stop('immediate');
          void sleep(700).then(() => postgres.start());
        }
        yield `Importee ${i},importee${i}@example.com\n`;
      }
    }
    const summary = await importStream(db, systemActor(workspaceId, 'test'), Readable.from(file()), {
      type: 'customers',
      format: 'csv',
      batchSize: 50,
    });
    expect(summary).toMatchObject({ rows, created: rows, rejected: 0 });
    const imported = await db
      .selectFrom('customer_identities')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('value', 'like', 'importee%')
      .executeTakeFirstOrThrow();
    expect(Number(imported.n)).toBe(rows);

    // `rapport messages-worker`, a process of its own that used to die at the first restart, has
    // been running since the file started: through every restart and crash of the tests above,
    // and two more now. It is still up, and stops cleanly when asked.
    await postgres.restart('fast');
    await postgres.restart('immediate');
    await waitUntilReady();
    await sleep(1000);
    expect(cliWorker.process.exitCode, cliWorker.output).toBeNull();
    cliWorker.process.kill('SIGTERM');
    const [code] = await cliWorker.exited;
    expect(code, cliWorker.output).toBe(0);
  });
});
