import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createTenant, useTestApp } from '../test/app.js';
import { readMessages, type RequestFacts } from './messages.js';
import { storeEvents } from './store.js';

const ctx = useTestApp();

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const track = (userId: string, messageId: string) => ({ type: 'track', userId, event: 'Bundle Renewed', messageId, properties: { gb: 1 } });

async function storedIds(workspaceId: string): Promise<string[]> {
  const rows = await ctx.database.db
    .selectFrom('ingest_events')
    .select('message_id')
    .where('workspace_id', '=', workspaceId)
    .orderBy('message_id')
    .execute();
  return rows.map((r) => r.message_id);
}

describe('group commit of the acknowledgement path', () => {
  beforeAll(async () => {
    // A database that refuses one kind of row, to make a flush fail as a real outage would.
    await sql`create function refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.message_id like 'poison%' then raise exception 'refused %', new.message_id; end if;
        return new;
      end $$`.execute(ctx.database.db);
    await sql`create trigger refuse_poison before insert on ingest_events for each row execute function refuse_poison()`.execute(
      ctx.database.db,
    );
  });

  it('stores every event of concurrent requests once and acknowledges each request', async () => {
    const tenant = await createTenant(ctx.app);
    // 24 requests in flight; each pair sends the same 5 events (a retry racing its original) plus 5 of its own.
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        ctx.app.inject({
          method: 'POST',
          url: '/v1/batch',
          headers: { authorization: basic(tenant.writeKey) },
          payload: {
            batch: [
              ...Array.from({ length: 5 }, (_, j) => track(`u${i}`, `shared-${Math.floor(i / 2)}-${j}`)),
              ...Array.from({ length: 5 }, (_, j) => track(`u${i}`, `own-${i}-${j}`)),
            ],
          },
        }),
      ),
    );
    for (const response of responses) {
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ success: true, accepted: 10, rejected: [] });
    }
    const ids = await storedIds(tenant.workspace.id);
    expect(ids).toHaveLength(12 * 5 + 24 * 5);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('fails exactly the requests of a failed flush, storing nothing of them', async () => {
    const tenant = await createTenant(ctx.app);
    const facts: RequestFacts = { receivedAt: new Date(), ip: '127.0.0.1', userAgent: undefined };
    const store = (messages: unknown[]) =>
      storeEvents(ctx.database.db, tenant.workspace.id, 'segment', readMessages(messages, facts).events, facts).then(
        () => 'stored',
        (error: unknown) => error,
      );
    // The first write starts a flush at once; the next two wait and go together into the second.
    const [first, poisoned, neighbour] = await Promise.all([
      store([track('a', 'first-1')]),
      store([track('b', 'b-1'), track('b', 'poison-1')]),
      store([track('c', 'c-1'), track('c', 'c-2')]),
    ]);
    expect(first).toBe('stored');
    for (const outcome of [poisoned, neighbour]) {
      expect(outcome).toBeInstanceOf(AppError);
      expect((outcome as AppError).code).toBe('unavailable');
    }
    expect(await store([track('c', 'c-1'), track('c', 'c-2')])).toBe('stored');
    expect(await storedIds(tenant.workspace.id)).toEqual(['c-1', 'c-2', 'first-1']);
  });

  it('answers 503 to a request whose events could not be committed, so the client sends it again', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basic(tenant.writeKey) },
      payload: { batch: [track('d', 'd-1'), track('d', 'poison-2')] },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('unavailable');
    expect(response.body).not.toMatch(/refused/);
    expect(await storedIds(tenant.workspace.id)).toEqual([]);
  });
});
