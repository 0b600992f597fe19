import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Role } from '../workspaces/tables.js';
import type { TestTenant } from '../test/app.js';

// Helpers the service tests share: people, customers and calls through the API.

export interface Person {
  userId: string;
  cookie: string;
}

/** A signed-in user with a role, and their user id. */
export async function addPerson(app: FastifyInstance, tenant: TestTenant, role: Role): Promise<Person> {
  const { cookie, email } = await tenant.signInAs(role);
  const user = await app.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return { userId: user.id, cookie };
}

export async function createCustomer(tenant: TestTenant, name: string): Promise<string> {
  const response = await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { displayName: name } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

/** POSTs as the tenant's secret key (or a person's session) and expects `status`. */
export async function call<T = Record<string, unknown>>(
  tenant: TestTenant,
  url: string,
  payload: object | undefined,
  status: number,
  as?: Person,
): Promise<T> {
  const response = await tenant.api({
    method: payload === undefined ? 'GET' : 'POST',
    url: `/api/v1${url}`,
    ...(payload === undefined ? {} : { payload }),
    ...(as ? { headers: { authorization: '', cookie: as.cookie } } : {}),
  });
  expect(response.statusCode, response.body).toBe(status);
  return response.json() as T;
}
