import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { canRequeueMessages } from '../auth/permissions.js';
import type { Role } from '../workspaces/tables.js';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { insertMessageCustomer, insertTemplate } from '../test/messages.js';
import { useSmtpEmail } from '../test/smtp.js';
import { TransportError, type Transport } from './channels/index.js';
import { enqueueMessage } from './enqueue.js';
import { deliverBatch, type WorkerOptions } from './worker.js';

const ctx = useTestApp();
const db = () => ctx.database.db;
const relay = useSmtpEmail();

/** A relay that hangs up after taking the message: the worker cannot know whether it was sent. */
const lostAnswer: Transport = {
  channel: 'email',
  idempotent: false,
  async send() {
    throw new TransportError('SMTP: Connection closed unexpectedly', false, true);
  },
};

const worker = (workspaceId: string, transport: Transport): WorkerOptions => ({
  workerId: `w-${workspaceId}`,
  transports: { email: transport },
  publicUrl: 'https://rapport.example',
  maxAttempts: 3,
  leaseSeconds: 60,
  workspaceId,
});

/** A tenant with `unknown` emails that failed with outcome_unknown and one that was sent. */
async function setup(unknown = 1) {
  const tenant = await createTenant(ctx.app, 'Demo Telecom');
  const ws = tenant.workspace.id;
  await insertTemplate(db(), ws, 'note', 'service', 'Hi {{ customer.first_name }}, your bill is ready.');
  const queue = async (i: number) => {
    const customer = await insertMessageCustomer(db(), ws, { displayName: `Ada Number${i}`, email: `ada${i}@example.com` });
    return (await enqueueMessage(db(), ws, { customerId: customer, purpose: 'service', templateKey: 'note' })).id;
  };
  const sent = await queue(0);
  await deliverBatch(db(), worker(ws, relay.email));
  const lost: string[] = [];
  for (let i = 1; i <= unknown; i++) lost.push(await queue(i));
  await deliverBatch(db(), worker(ws, lostAnswer));
  return { tenant, ws, sent, lost };
}

async function call(tenant: TestTenant, options: InjectOptions, as?: { cookie: string }) {
  const response = as
    ? await ctx.app.inject({
        ...options,
        headers: { cookie: as.cookie, 'content-type': 'application/json' },
        payload: options.payload ?? {},
      })
    : await tenant.api(options);
  return { status: response.statusCode, body: response.json() };
}

const state = async (ws: string, id: string) =>
  db()
    .selectFrom('messages')
    .select(['status', 'reason', 'attempts'])
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('requeueing messages whose outcome is unknown', () => {
  it('lets an admin queue an outcome_unknown email again, audited, and the worker sends it', async () => {
    const { tenant, ws, lost } = await setup();
    const id = lost[0] as string;
    expect(await state(ws, id)).toEqual({ status: 'failed', reason: 'outcome_unknown', attempts: 1 });
    const admin = await tenant.signInAs('admin');
    const requeued = await call(tenant, { method: 'POST', url: `/api/v1/messages/${id}/requeue` }, admin);
    expect(requeued.status).toBe(200);
    expect(requeued.body).toMatchObject({ id, status: 'queued', reason: null, attempts: 1 });

    const audit = await call(tenant, { method: 'GET', url: `/api/v1/audit-log?entityType=message&entityId=${id}` });
    expect(audit.body.data).toEqual([
      expect.objectContaining({ action: 'message.requeued', actorKind: 'user', changes: expect.objectContaining({ to: 'queued' }) }),
    ]);
    const detail = await call(tenant, { method: 'GET', url: `/api/v1/messages/${id}` });
    expect(detail.body.events.map((e: { kind: string }) => e.kind)).toEqual(['outcome_unknown', 'retry']);

    await deliverBatch(db(), worker(ws, relay.email));
    expect(await state(ws, id)).toEqual({ status: 'sent', reason: null, attempts: 2 });
    expect(relay.smtp.received.filter((m) => m.headers.get('x-rapport-message') === id)).toHaveLength(1);
  });

  it('refuses a message in any other state with a 409 naming it, and changes nothing', async () => {
    const { tenant, ws, sent, lost } = await setup(2);
    const [first, second] = lost as [string, string];
    const one = await call(tenant, { method: 'POST', url: `/api/v1/messages/${sent}/requeue` });
    expect(one.status).toBe(409);
    expect(one.body.error).toMatchObject({ code: 'conflict', issues: [{ path: '/id' }] });
    expect(one.body.error.message).toMatch(/is sent; only a message that failed with outcome_unknown can be requeued/);

    // All or none: one sent message among the ids refuses the lot.
    const bulk = await call(tenant, { method: 'POST', url: '/api/v1/messages/requeue', payload: { ids: [first, sent, second] } });
    expect(bulk.status).toBe(409);
    expect(bulk.body.error.issues).toEqual([{ path: '/ids/1', message: expect.stringContaining(`${sent} is sent`) }]);
    expect(await state(ws, first)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });

    const missing = await call(tenant, { method: 'POST', url: '/api/v1/messages/requeue', payload: { ids: [first, 'msg_nope'] } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.issues).toEqual([{ path: '/ids/1', message: 'message msg_nope was not found' }]);
    const empty = await call(tenant, { method: 'POST', url: '/api/v1/messages/requeue', payload: { ids: [] } });
    expect(empty.status).toBe(400);

    const both = await call(tenant, { method: 'POST', url: '/api/v1/messages/requeue', payload: { ids: [first, second] } });
    expect(both.status).toBe(200);
    expect(both.body.data.map((m: { id: string; status: string }) => [m.id, m.status])).toEqual([
      [first, 'queued'],
      [second, 'queued'],
    ]);
    // Queued now, so a second requeue is refused too.
    const again = await call(tenant, { method: 'POST', url: `/api/v1/messages/${first}/requeue` });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/is queued/);
  });

  it('answers 404 to an admin of another workspace, and leaves the message as it was', async () => {
    const { ws, lost } = await setup(1);
    const [mine] = lost as [string];
    const stranger = await createTenant(ctx.app, 'Other Telecom');
    const one = await call(stranger, { method: 'POST', url: `/api/v1/messages/${mine}/requeue` });
    expect(one.status).toBe(404);
    const bulk = await call(stranger, { method: 'POST', url: '/api/v1/messages/requeue', payload: { ids: [mine] } });
    expect(bulk.status).toBe(404);
    expect(await state(ws, mine)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
  });

  it('is for admins only', async () => {
    const { tenant, ws, lost } = await setup();
    const id = lost[0] as string;
    for (const role of ['lead', 'analyst', 'agent'] satisfies Role[]) {
      const person = await tenant.signInAs(role);
      const refused = await call(tenant, { method: 'POST', url: `/api/v1/messages/${id}/requeue` }, person);
      expect([role, refused.status]).toEqual([role, 403]);
    }
    const writeKey = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/messages/requeue',
      headers: { authorization: `Bearer ${tenant.writeKey}` },
      payload: { ids: [id] },
    });
    expect(writeKey.statusCode).toBe(403);
    expect(await state(ws, id)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });

    const user = (role: Role) => ({ kind: 'user' as const, workspaceId: ws, userId: 'usr_x', role, name: 'X', email: 'x@example.com' });
    expect(canRequeueMessages(user('admin'))).toBe(true);
    expect(['lead', 'analyst', 'agent'].map((role) => canRequeueMessages(user(role as Role)))).toEqual([false, false, false]);
  });
});
