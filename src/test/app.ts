import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.js';
import { systemActor } from '../auth/actor.js';
import { createApiKey } from '../auth/service.js';
import { loadConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { Role } from '../workspaces/tables.js';
import { addMember, createWorkspace, type Workspace } from '../workspaces/service.js';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { openTestDatabase } from './database.js';

export const TEST_PASSWORD = 'correct horse battery';

/** A workspace of its own for one test, with a secret key and a way to call the API as it. */
export interface TestTenant {
  workspace: Workspace;
  secretKey: string;
  writeKey: string;
  /** `app.inject` with the tenant's secret key. */
  api(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Adds a user with a role and returns their session cookie. */
  signInAs(role: Role): Promise<{ cookie: string; email: string }>;
}

export async function buildTestApp(database: Database): Promise<FastifyInstance> {
  return buildApp(loadConfig({ LOG_LEVEL: 'silent' }, { databaseUrl: undefined }), { database });
}

/** Creates a workspace (tests isolate from each other by tenant) with keys. */
export async function createTenant(app: FastifyInstance, name = 'Test Co'): Promise<TestTenant> {
  const db = app.database.db;
  const slug = `t-${randomBytes(5).toString('hex')}`;
  const workspace = await createWorkspace(db, { name, slug });
  const actor = systemActor(workspace.id, 'test');
  const secret = await createApiKey(db, actor, { kind: 'secret', name: 'test secret' });
  const write = await createApiKey(db, actor, { kind: 'write', name: 'test write' });
  return {
    workspace,
    secretKey: secret.key,
    writeKey: write.key,
    api: (options) => app.inject({ ...options, headers: { authorization: `Bearer ${secret.key}`, ...(options.headers ?? {}) } }),
    async signInAs(role) {
      const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
      await addMember(db, actor, { email, name: `${role} person`, role, password: TEST_PASSWORD });
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email, password: TEST_PASSWORD, workspace: workspace.id },
      });
      if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'rapport_session');
      if (!cookie) throw new Error('no session cookie');
      return { cookie: `rapport_session=${cookie.value}`, email };
    },
  };
}

/** One migrated database and app per test file, closed after it; tests isolate by tenant. */
export function useTestApp(): { app: FastifyInstance; database: Database } {
  const context = {} as { app: FastifyInstance; database: Database };
  beforeAll(async () => {
    context.database = await openTestDatabase();
    context.app = await buildTestApp(context.database);
  });
  afterAll(async () => {
    await context.app?.close();
    await context.database?.close();
  });
  return context;
}
