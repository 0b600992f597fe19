import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { canEditCustomers, canEraseCustomers, canExportCustomerData, canReadCustomers } from '../auth/permissions.js';
import { transactionWithRetry } from '../db/retry.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses, IdParams, Limit, PageBefore } from '../http/schemas.js';
import { eraseCustomer, exportCustomerData } from './data-subject.js';
import { householdRoutes } from './household-routes.js';
import { identityRoutes } from './identity-routes.js';
import { getCustomer360 } from './profile.js';
import { CreateCustomerBody, Customer360Schema, CustomerSchema, SearchResultSchema, UpdateCustomerBody } from './schemas.js';
import { findCustomers } from './search.js';
import { identifyCustomer, updateCustomer } from './service.js';
import { listTimeline } from './timeline.js';

const tags = ['customers'];
const Reason = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

export const customerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

  app.get(
    '/customers',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags,
        summary: 'Find customers by any identity value (email, phone, external id…) or part of the name',
        querystring: Type.Object(
          { q: Type.Optional(Type.String({ maxLength: 200 })), limit: Limit(100, 20) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(SearchResultSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ data: await findCustomers(db(), { workspaceId: actorOf(request).workspaceId, ...request.query }) }),
  );

  app.post(
    '/customers',
    {
      preHandler: requires(canEditCustomers),
      schema: {
        tags,
        summary: 'Create a customer, or update the one its identities already belong to (merging profiles of the same person)',
        body: CreateCustomerBody,
        response: { 200: CustomerSchema, 201: CustomerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await transactionWithRetry(db(), (trx) => identifyCustomer(trx, actorOf(request), request.body));
      return reply.status(result.created ? 201 : 200).send(result.customer);
    },
  );

  app.get(
    '/customers/:id',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags,
        summary:
          'The customer 360: profile, identities, households, consent, every holding with plan and usage, latest transactions and events',
        description: 'A merged profile id answers 308 with the survivor in Location.',
        params: IdParams,
        response: { 200: Customer360Schema, ...errorResponses },
      },
    },
    async (request) => getCustomer360(app.database, actorOf(request).workspaceId, request.params.id),
  );

  app.get(
    '/customers/:id/timeline',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags,
        summary: 'Everything that happened to the customer across products and channels, newest first',
        params: IdParams,
        querystring: Type.Object(
          {
            kinds: Type.Optional(
              Type.Array(Type.String(), { description: 'Only these kinds (repeat the parameter or separate with commas)' }),
            ),
            before: PageBefore,
            limit: Limit(200, 50),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                kind: Type.String(),
                id: Type.String(),
                occurredAt: Type.String(),
                action: Type.String(),
                data: Type.Record(Type.String(), Type.Unknown()),
              }),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      return listTimeline(db(), {
        workspaceId,
        customerId: request.params.id,
        kinds: request.query.kinds,
        before: request.query.before,
        limit: request.query.limit,
      });
    },
  );

  app.patch(
    '/customers/:id',
    {
      preHandler: requires(canEditCustomers),
      schema: {
        tags,
        summary: 'Change the display name, traits or preferences',
        params: IdParams,
        body: UpdateCustomerBody,
        response: { 200: CustomerSchema, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => updateCustomer(trx, actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/customers/:id/export',
    {
      preHandler: requires(canExportCustomerData),
      schema: {
        tags: ['data-subject requests'],
        summary: 'Export everything held about the customer as JSON (the request is recorded)',
        params: IdParams,
        body: Type.Optional(Reason),
        response: {
          200: Type.Object({
            requestId: Type.String(),
            exportedAt: Type.String(),
            customerId: Type.String(),
            data: Type.Record(Type.String(), Type.Array(Type.Record(Type.String(), Type.Unknown()))),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => exportCustomerData(trx, actorOf(request), request.params.id, request.body?.reason ?? null)),
  );

  app.post(
    '/customers/:id/erase',
    {
      preHandler: requires(canEraseCustomers),
      schema: {
        tags: ['data-subject requests'],
        summary: 'Erase the customer’s personal data from every table; aggregates stay (the request is recorded)',
        params: IdParams,
        body: Type.Optional(Reason),
        response: {
          200: Type.Object({
            requestId: Type.String(),
            customerId: Type.String(),
            erasedAt: Type.String(),
            profilesErased: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => eraseCustomer(trx, actorOf(request), request.params.id, request.body?.reason ?? null)),
  );

  await app.register(identityRoutes);
  await app.register(householdRoutes);
};
