import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, useTestApp } from '../test/app.js';
import { basicAuth } from './ingest.test-helpers.js';

const ctx = useTestApp();

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

describe('the acknowledgement path under concurrency and failure', () => {
  beforeAll(async () => {
    // A database that refuses one kind of row, to make a statement fail as a real outage would.
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
          headers: { authorization: basicAuth(tenant.writeKey) },
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

  it('fails exactly the request whose statement failed, storing nothing of it, while concurrent ones are kept', async () => {
    const tenant = await createTenant(ctx.app);
    const post = (batch: unknown[]) =>
      ctx.app.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basicAuth(tenant.writeKey) }, payload: { batch } });
    const [before, poisoned, after] = await Promise.all([
      post([track('a', 'a-1'), track('a', 'a-2')]),
      post([track('b', 'b-1'), track('b', 'poison-1')]),
      post([track('c', 'c-1')]),
    ]);
    expect(before.statusCode, before.body).toBe(200);
    expect(after.statusCode, after.body).toBe(200);
    expect(poisoned.statusCode).toBe(503);
    expect(await storedIds(tenant.workspace.id)).toEqual(['a-1', 'a-2', 'c-1']);
  });

  it('answers 503 to a request whose events could not be committed, so the client sends it again', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(tenant.writeKey) },
      payload: { batch: [track('d', 'd-1'), track('d', 'poison-2')] },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('unavailable');
    expect(response.body).not.toMatch(/refused/);
    expect(await storedIds(tenant.workspace.id)).toEqual([]);
  });
});
