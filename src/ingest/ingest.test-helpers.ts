import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { TestTenant } from '../test/app.js';
import { drainIngestQueue } from './processor.js';

/** The Authorization header Segment's clients send: the write key as the Basic-auth user name. */
export const basicAuth = (writeKey: string) => `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

/**
 * For one test file: an app over the test file's database whose processor does not run, so the
 * test applies events by hand (drainIngestQueue) and can leave one pending on purpose.
 */
export function useAppWithoutProcessor(ctx: { database: Database }): { app: FastifyInstance } {
  const holder = {} as { app: FastifyInstance };
  beforeAll(async () => {
    holder.app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', RAPPORT_INGEST_WORKER: 'false' }), { database: ctx.database });
  });
  afterAll(async () => holder.app?.close());
  return holder;
}

interface Profile {
  customer: { id: string; displayName: string | null; traits: Record<string, unknown> };
  identities: Array<{ kind: string; value: string }>;
  households: Array<{ id: string; name: string; kind: string; role: string }>;
  recentEvents: Array<{
    type: string;
    name: string | null;
    properties: Record<string, unknown>;
    occurredAt: string;
    source: string | null;
  }>;
}

/** The customer 360 of whoever holds an identity value, read through the API after the processor ran. */
export async function profileByIdentity(app: FastifyInstance, tenant: TestTenant, value: string): Promise<Profile> {
  await drainIngestQueue(app.database.db);
  const found = await tenant.api({ method: 'GET', url: `/api/v1/customers?q=${encodeURIComponent(value)}` });
  expect(found.statusCode, found.body).toBe(200);
  const hit = (found.json() as { data: Array<{ id: string }> }).data[0];
  if (!hit) throw new Error(`no customer holds ${value}`);
  const response = await tenant.api({ method: 'GET', url: `/api/v1/customers/${hit.id}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Profile;
}

/** Timeline entries of a customer, newest first. */
export async function timelineOf(tenant: TestTenant, customerId: string, kinds = 'event') {
  const response = await tenant.api({ method: 'GET', url: `/api/v1/customers/${customerId}/timeline?kinds=${kinds}&limit=100` });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { data: Array<{ kind: string; action: string; occurredAt: string; data: Record<string, unknown> }> }).data;
}
