import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import type { DB } from '../db/schema.js';
import { createTenant, useTestApp } from '../test/app.js';
import { createTestSchema } from '../test/database.js';
import { insertMessageCustomer, insertTemplate } from '../test/messages.js';
import { startSmtpServer, useSmtpEmail, type TestSmtpServer } from '../test/smtp.js';
import { createWorkspace } from '../workspaces/service.js';
import type { Transport } from './channels/index.js';
import { enqueueMessage } from './enqueue.js';
import { deliverBatch, recoverExpiredLeases, type WorkerOptions } from './worker.js';

// A worker that dies mid-delivery may leave only the messages it had handed to the transport
// with an unknown outcome; the rest of its claim goes back to the queue and is sent once.

const ctx = useTestApp();
const relay = useSmtpEmail();

const T0 = new Date('2026-03-02T10:00:00Z');
const at = (ms: number) => () => new Date(T0.getTime() + ms);

async function queueEmails(db: Kysely<DB>, workspaceId: string, count: number, now?: Date): Promise<string[]> {
  await insertTemplate(db, workspaceId, 'note', 'service', 'Hi {{ customer.first_name }}, your bill is ready.');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const customer = await insertMessageCustomer(db, workspaceId, { displayName: `Ada Number${i}`, email: `ada${i}@example.com` });
    ids.push(
      (await enqueueMessage(db, workspaceId, { customerId: customer, purpose: 'service', templateKey: 'note' }, now ? { now } : {})).id,
    );
  }
  return ids;
}

async function messages(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('messages')
    .select(['id', 'status', 'reason', 'attempts', 'idempotency_key'])
    .where('workspace_id', '=', workspaceId)
    .execute();
}

/** How many times the server received each message, by the Message-ID built from its key. */
function receivedCount(smtp: TestSmtpServer, key: string): number {
  return smtp.received.filter((m) => m.headers.get('message-id')?.startsWith(`<${key}@`)).length;
}

describe('a worker that dies mid-delivery', () => {
  // Runs on PGlite too, where a second process cannot open the same database: the "crash" is a
  // worker whose transport hangs for good after taking two emails (its process never gets to
  // record anything), and the lease sweep and a second worker run in this process.
  it('leaves only the emails in flight outcome_unknown; the rest of its claim is sent once by another worker', async () => {
    const db = ctx.database.db;
    const { workspace } = await createTenant(ctx.app, 'Demo Telecom');
    const ids = await queueEmails(db, workspace.id, 12, T0);
    let thaw: () => void = () => undefined;
    const thawed = new Promise<void>((resolve) => (thaw = resolve));
    let handed = 0;
    const hanging: Transport = {
      channel: 'email',
      idempotent: false,
      concurrency: 2,
      async send(message) {
        handed++;
        const result = await relay.email.send(message);
        await thawed;
        return result;
      },
    };
    const base: WorkerOptions = {
      workerId: 'dying',
      transports: { email: hanging },
      publicUrl: 'https://rapport.example',
      maxAttempts: 3,
      leaseSeconds: 60,
      now: at(0),
      workspaceId: workspace.id,
    };
    const stuck = deliverBatch(db, base);
    await expect.poll(() => relay.smtp.received.length).toBe(2);
    // The whole claim is `sending`, but only the two emails on the wire are marked handed over.
    expect((await messages(db, workspace.id)).filter((m) => m.status === 'sending')).toHaveLength(12);
    expect(handed).toBe(2);

    expect(await recoverExpiredLeases(db, { transports: { email: relay.email }, now: at(61_000)(), workspaceId: workspace.id })).toEqual({
      requeued: 10,
      unknown: 2,
    });
    const afterSweep = await messages(db, workspace.id);
    expect(afterSweep.filter((m) => m.status === 'failed' && m.reason === 'outcome_unknown').map((m) => m.attempts)).toEqual([1, 1]);
    expect(afterSweep.filter((m) => m.status === 'queued').every((m) => m.attempts === 0)).toBe(true);

    const second = { ...base, workerId: 'second', transports: { email: relay.email }, now: at(62_000) };
    while ((await deliverBatch(db, second)) > 0);
    // The frozen worker comes back: its two sends record themselves, it hands nothing else over.
    thaw();
    await stuck;
    const final = await messages(db, workspace.id);
    expect(final).toHaveLength(ids.length);
    expect(final.every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true);
    for (const m of final) expect(receivedCount(relay.smtp, m.idempotency_key)).toBe(1);
  });

  // kill -9 of a real worker process, counted at a real SMTP server that is slow to answer.
  // PostgreSQL only: two processes (the killed worker and this test) share the database.
  it.skipIf(!process.env.RAPPORT_TEST_DATABASE_URL)(
    'kill -9 of a worker process leaves only its one in-flight email unknown; a second process sends the rest once',
    async () => {
      const url = process.env.RAPPORT_TEST_DATABASE_URL as string;
      const { schema, drop } = await createTestSchema(url, 'email_kill');
      const database = await openDatabase({ databaseUrl: url, poolSize: 2, searchPath: `${schema},public` });
      const smtp = await startSmtpServer({ answerDelayMs: 150 });
      try {
        await migrate(database);
        const db = database.db;
        const workspace = await createWorkspace(db, { name: 'Demo Telecom' });
        const total = 40;
        await queueEmails(db, workspace.id, total);
        const workerUrl = new URL(url);
        workerUrl.searchParams.set('options', `-c search_path=${schema},public`);
        const startWorker = (smtpConnections: number) =>
          spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../cli.ts', import.meta.url)), 'messages-worker'], {
            env: {
              ...process.env,
              DATABASE_URL: workerUrl.toString(),
              RAPPORT_SMTP_URL: smtp.url,
              RAPPORT_EMAIL_FROM: 'Demo Telecom <care@demo-telecom.example>',
              RAPPORT_MESSAGE_LEASE_SECONDS: '60',
              RAPPORT_SMTP_CONNECTIONS: String(smtpConnections),
              LOG_LEVEL: 'silent',
            },
            stdio: ['ignore', 'ignore', 'inherit'],
          });
        const exited = (child: ReturnType<typeof startWorker>) =>
          new Promise<void>((resolve) =>
            child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
          );

        // One SMTP connection: one email in flight at a time, so a crash may leave exactly one unknown.
        const first = startWorker(1);
        // Mid-delivery: some emails accepted, and at least one taken by the relay but not yet answered.
        await expect.poll(() => smtp.received.length >= 5 && smtp.holding > 0, { timeout: 30_000, interval: 5 }).toBe(true);
        first.kill('SIGKILL');
        await exited(first);
        const atKill = await messages(db, workspace.id);
        expect(atKill.filter((m) => m.status === 'sending').length).toBeGreaterThan(25);

        // Instead of waiting out the 60 s lease, let it run out now.
        await sql`update messages set lease_until = now() - interval '1 second' where status = 'sending'`.execute(db);
        const second = startWorker(5);
        try {
          await expect
            .poll(async () => (await messages(db, workspace.id)).filter((m) => m.status === 'queued' || m.status === 'sending').length, {
              timeout: 30_000,
              interval: 100,
            })
            .toBe(0);
        } finally {
          second.kill('SIGTERM');
          await exited(second);
        }

        const final = await messages(db, workspace.id);
        const unknown = final.filter((m) => m.status === 'failed' && m.reason === 'outcome_unknown');
        // The email the relay was holding when the worker died, and no other.
        expect(unknown).toHaveLength(1);
        for (const m of final) {
          if (m.status === 'failed') expect(receivedCount(smtp, m.idempotency_key)).toBeLessThanOrEqual(1);
          else expect([m.status, receivedCount(smtp, m.idempotency_key)]).toEqual(['sent', 1]);
        }
        expect(final.filter((m) => m.status === 'sent')).toHaveLength(total - unknown.length);
      } finally {
        await smtp.close();
        await database.close();
        await drop();
      }
    },
  );
});
