import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { canReadService, canWorkCases } from '../auth/permissions.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { actOnCase, getCaseDetail, listCases, openCase, setComplaint } from './cases.js';
import { getInteraction, listInteractions, recordInteraction, recordInteractions } from './interactions.js';
import { toCase } from './mappers.js';
import {
  CaseActionBody,
  CaseActionParams,
  CaseDetail,
  CaseInput,
  CaseList,
  CaseQuery,
  CaseSchema,
  ComplaintBody,
  InteractionBulkInput,
  InteractionBulkResult,
  InteractionInput,
  InteractionList,
  InteractionQuery,
  InteractionSchema,
} from './schemas.js';
import { settingsRoutes } from './settings-routes.js';
import { goodwillRoutes } from './goodwill-routes.js';

export const serviceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;
  await app.register(settingsRoutes);
  await app.register(goodwillRoutes);

  app.post(
    '/interactions',
    {
      preHandler: requires(canWorkCases),
      schema: {
        tags: ['service'],
        summary: 'Record one interaction; the same source and externalId again returns the first (200)',
        body: InteractionInput,
        response: { 200: InteractionSchema, 201: InteractionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { interaction, created } = await recordInteraction(db(), actor.workspaceId, request.body, actor);
      return reply.status(created ? 201 : 200).send(interaction);
    },
  );

  app.post(
    '/interactions/bulk',
    {
      preHandler: requires(canWorkCases),
      schema: {
        tags: ['service'],
        summary: 'Record up to 1,000 interactions; each row succeeds or fails on its own, errors named by index',
        body: InteractionBulkInput,
        response: { 200: InteractionBulkResult, ...errorResponses },
      },
    },
    async (request) => recordInteractions(db(), actorOf(request), request.body.interactions),
  );

  app.get(
    '/interactions',
    {
      preHandler: requires(canReadService),
      schema: {
        tags: ['service'],
        summary: "A customer's or a case's interactions, newest first",
        querystring: InteractionQuery,
        response: { 200: InteractionList, ...errorResponses },
      },
    },
    async (request) => listInteractions(db(), actorOf(request).workspaceId, request.query),
  );

  app.get(
    '/interactions/:id',
    {
      preHandler: requires(canReadService),
      schema: { tags: ['service'], summary: 'One interaction', params: IdParams, response: { 200: InteractionSchema, ...errorResponses } },
    },
    async (request) => getInteraction(db(), actorOf(request).workspaceId, request.params.id),
  );

  app.post(
    '/cases',
    {
      preHandler: requires(canWorkCases),
      schema: {
        tags: ['service'],
        summary: 'Open a case; due times come from the SLA policy',
        body: CaseInput,
        response: { 201: CaseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const row = await db()
        .transaction()
        .execute((trx) => openCase(trx, actorOf(request), request.body));
      return reply.status(201).send(toCase(row));
    },
  );

  app.get(
    '/cases',
    {
      preHandler: requires(canReadService),
      schema: {
        tags: ['service'],
        summary: 'An inbox of live cases, soonest due first',
        querystring: CaseQuery,
        response: { 200: CaseList, ...errorResponses },
      },
    },
    async (request) => listCases(db(), actorOf(request), request.query),
  );

  app.get(
    '/cases/:id',
    {
      preHandler: requires(canReadService),
      schema: {
        tags: ['service'],
        summary: 'A case with its interactions and history',
        params: IdParams,
        response: { 200: CaseDetail, ...errorResponses },
      },
    },
    async (request) => getCaseDetail(db(), actorOf(request).workspaceId, request.params.id),
  );

  app.post(
    '/cases/:id/complaint',
    {
      preHandler: requires(canWorkCases),
      schema: {
        tags: ['service'],
        summary: 'Flag a case as a complaint with a category, or clear the flag',
        params: IdParams,
        body: ComplaintBody,
        response: { 200: CaseSchema, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => setComplaint(trx, actorOf(request), request.params.id, request.body.complaint, request.body.category)),
  );

  app.post(
    '/cases/:id/:action',
    {
      preHandler: requires(canWorkCases),
      schema: {
        tags: ['service'],
        summary:
          'Move a case: assign (or transfer), respond, pending, resolve, reopen, close; a forbidden move is 409 with the current state',
        params: CaseActionParams,
        body: Type.Optional(CaseActionBody),
        response: { 200: CaseSchema, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => actOnCase(trx, actorOf(request), request.params.id, request.params.action, request.body ?? {})),
  );
};
