import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { canEditCustomers, canEraseCustomers, canExportCustomerData, canMergeCustomers, canReadCustomers } from '../auth/permissions.js';
import { actorOf, requires } from '../http/authenticate.js';
import { transactionWithRetry } from '../db/retry.js';
import { errorResponses, IdParams, Limit } from '../http/schemas.js';
import { listConsentHistory, recordConsent } from './consent.js';
import { eraseCustomer, exportCustomerData } from './data-subject.js';
import { householdRoutes } from './household-routes.js';
import { attachIdentity, detachIdentity, normalizeIdentity, workspaceCountry } from './identities.js';
import { requireCustomer } from './lookup.js';
import { toMerge } from './mappers.js';
import { mergeCustomers } from './merge.js';
import { getCustomer360 } from './profile.js';
import {
  ConsentInput,
  ConsentSchema,
  CreateCustomerBody,
  Customer360Schema,
  CustomerSchema,
  IdentityInput,
  IdentityKindSchema,
  MergeSchema,
  SearchResultSchema,
  UpdateCustomerBody,
} from './schemas.js';
import { listRecentCustomers, searchCustomers } from './search.js';
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
    async (request) => {
      const { workspaceId } = actorOf(request);
      const { q, limit } = request.query;
      if (!q?.trim()) return { data: await listRecentCustomers(db(), workspaceId, limit) };
      const defaultCountry = await workspaceCountry(db(), workspaceId);
      return { data: await searchCustomers(db(), { workspaceId, q, limit, defaultCountry }) };
    },
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
            before: Type.Optional(Type.String({ description: 'nextCursor of the previous page' })),
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
      await requireCustomer(db(), workspaceId, request.params.id);
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
    '/customers/:id/identities',
    {
      preHandler: requires(canEditCustomers),
      schema: {
        tags,
        summary: 'Attach an identity; if it belongs to another profile the two are merged',
        params: IdParams,
        body: IdentityInput,
        response: {
          200: Type.Object({
            customerId: Type.String({ description: 'The profile holding the identity now (the survivor after a merge)' }),
            merge: Type.Union([MergeSchema, Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) =>
      transactionWithRetry(db(), async (trx) => {
        const actor = actorOf(request);
        await requireCustomer(trx, actor.workspaceId, request.params.id);
        const key = normalizeIdentity(request.body, '', await workspaceCountry(trx, actor.workspaceId));
        const result = await attachIdentity(trx, actor, request.params.id, key, request.body.source ?? null);
        const merge = result.merge
          ? await trx
              .selectFrom('customer_merges')
              .selectAll()
              .where('workspace_id', '=', actor.workspaceId)
              .where('id', '=', result.merge.mergeId)
              .executeTakeFirstOrThrow()
          : null;
        return { customerId: result.customerId, merge: merge ? toMerge(merge) : null };
      }),
  );

  app.delete(
    '/customers/:id/identities/:kind/:value',
    {
      preHandler: requires(canEditCustomers),
      schema: {
        tags,
        summary: 'Detach an identity (e.g. one attached by mistake)',
        params: Type.Object({ id: IdParams.properties.id, kind: IdentityKindSchema, value: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({ system: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await db()
        .transaction()
        .execute(async (trx) => {
          const actor = actorOf(request);
          const { kind, value } = request.params;
          const key = normalizeIdentity(
            { kind, value, ...(request.query.system ? { system: request.query.system } : {}) },
            '',
            await workspaceCountry(trx, actor.workspaceId),
          );
          await detachIdentity(trx, actor, request.params.id, key);
        });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/customers/:id/merge',
    {
      preHandler: requires(canMergeCustomers),
      schema: {
        tags,
        summary: 'Merge another profile of the same person into this one (the older profile survives)',
        params: IdParams,
        body: Type.Object(
          { otherId: IdParams.properties.id, reason: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: { 200: MergeSchema, ...errorResponses },
      },
    },
    async (request) =>
      transactionWithRetry(db(), async (trx) => {
        const actor = actorOf(request);
        const result = await mergeCustomers(trx, actor, {
          customerId: request.params.id,
          otherId: request.body.otherId,
          reason: request.body.reason ?? 'manual',
        });
        const row = await trx
          .selectFrom('customer_merges')
          .selectAll()
          .where('workspace_id', '=', actor.workspaceId)
          .where('id', '=', result.mergeId)
          .executeTakeFirstOrThrow();
        return toMerge(row);
      }),
  );

  app.get(
    '/customers/:id/merges',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags,
        summary: 'Profiles merged into this one',
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(MergeSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      await requireCustomer(db(), workspaceId, request.params.id);
      const rows = await db()
        .selectFrom('customer_merges')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('survivor_id', '=', request.params.id)
        .orderBy('occurred_at', 'desc')
        .execute();
      return { data: rows.map(toMerge) };
    },
  );

  app.get(
    '/customers/:id/consent',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags,
        summary: 'The full consent history, newest first',
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(ConsentSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      await requireCustomer(db(), workspaceId, request.params.id);
      return { data: await listConsentHistory(db(), workspaceId, request.params.id) };
    },
  );

  app.post(
    '/customers/:id/consent',
    {
      preHandler: requires(canEditCustomers),
      schema: {
        tags,
        summary: 'Record a consent grant or withdrawal (append-only)',
        params: IdParams,
        body: ConsentInput,
        response: { 201: ConsentSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const consent = await db()
        .transaction()
        .execute(async (trx) => {
          const actor = actorOf(request);
          await requireCustomer(trx, actor.workspaceId, request.params.id);
          return recordConsent(trx, actor, request.params.id, request.body);
        });
      return reply.status(201).send(consent);
    },
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

  await app.register(householdRoutes);
};
