import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { canEditCustomers, canMergeCustomers, canReadCustomers } from '../auth/permissions.js';
import { transactionWithRetry } from '../db/retry.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { listConsentHistory, recordConsentForCustomer } from './consent.js';
import { addIdentityToCustomer, removeIdentityFromCustomer } from './identities.js';
import { listMergesBySurvivor, mergeProfiles } from './merge.js';
import { ConsentInput, ConsentSchema, IdentityInput, IdentityKindSchema, MergeSchema } from './schemas.js';

const tags = ['customers'];

/** Identities, merges and consent of one customer. */
export const identityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

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
    async (request) => transactionWithRetry(db(), (trx) => addIdentityToCustomer(trx, actorOf(request), request.params.id, request.body)),
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
      const { id, kind, value } = request.params;
      const identity = { kind, value, ...(request.query.system ? { system: request.query.system } : {}) };
      await db()
        .transaction()
        .execute((trx) => removeIdentityFromCustomer(trx, actorOf(request), id, identity));
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
      transactionWithRetry(db(), (trx) =>
        mergeProfiles(trx, actorOf(request), {
          customerId: request.params.id,
          otherId: request.body.otherId,
          reason: request.body.reason ?? 'manual',
        }),
      ),
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
    async (request) => ({ data: await listMergesBySurvivor(db(), actorOf(request).workspaceId, request.params.id) }),
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
    async (request) => ({ data: await listConsentHistory(db(), actorOf(request).workspaceId, request.params.id) }),
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
        .execute((trx) => recordConsentForCustomer(trx, actorOf(request), request.params.id, request.body));
      return reply.status(201).send(consent);
    },
  );
};
