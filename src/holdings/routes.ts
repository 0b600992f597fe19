import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { canEditHoldings, canReadCustomers } from '../auth/permissions.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import {
  HoldingChanges,
  HoldingInput,
  HoldingList,
  HoldingQuery,
  HoldingSchema,
  TransactionInput,
  TransactionList,
  TransactionQuery,
  TransactionSchema,
  UsageInput,
  UsageList,
  UsageQuery,
  UsageWritten,
} from './schemas.js';
import { createHolding, getHolding, listHoldingsByCustomer, updateHolding } from './service.js';
import { getTransaction, listTransactionsByCustomer, recordTransaction } from './transactions.js';
import { listUsage, recordUsage } from './usage.js';

export const holdingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

  app.post(
    '/holdings',
    {
      preHandler: requires(canEditHoldings),
      schema: {
        tags: ['holdings'],
        summary: 'Record that a customer holds a product',
        body: HoldingInput,
        response: { 201: HoldingSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const holding = await db()
        .transaction()
        .execute((trx) => createHolding(trx, actorOf(request), request.body));
      return reply.status(201).send(holding);
    },
  );

  app.get(
    '/holdings',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags: ['holdings'],
        summary: 'What a customer holds or pays for, newest first',
        querystring: HoldingQuery,
        response: { 200: HoldingList, ...errorResponses },
      },
    },
    async (request) => ({ data: await listHoldingsByCustomer(db(), actorOf(request).workspaceId, request.query.customerId) }),
  );

  app.get(
    '/holdings/:id',
    {
      preHandler: requires(canReadCustomers),
      schema: { tags: ['holdings'], summary: 'One holding', params: IdParams, response: { 200: HoldingSchema, ...errorResponses } },
    },
    async (request) => getHolding(db(), actorOf(request).workspaceId, request.params.id),
  );

  app.patch(
    '/holdings/:id',
    {
      preHandler: requires(canEditHoldings),
      schema: {
        tags: ['holdings'],
        summary: "Change a holding's status, plan, price, end or payer",
        params: IdParams,
        body: HoldingChanges,
        response: { 200: HoldingSchema, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => updateHolding(trx, actorOf(request), request.params.id, request.body)),
  );

  app.put(
    '/holdings/:id/usage',
    {
      preHandler: requires(canEditHoldings),
      schema: {
        tags: ['holdings'],
        summary: 'Record usage per period; a period with a stored start replaces it, so sending the same body twice changes nothing',
        params: IdParams,
        body: UsageInput,
        response: { 200: UsageWritten, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => recordUsage(trx, actorOf(request), request.params.id, request.body.periods)),
  );

  app.get(
    '/holdings/:id/usage',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags: ['holdings'],
        summary: 'Usage periods, newest first',
        params: IdParams,
        querystring: UsageQuery,
        response: { 200: UsageList, ...errorResponses },
      },
    },
    async (request) => ({ data: await listUsage(db(), actorOf(request).workspaceId, request.params.id, request.query) }),
  );

  app.post(
    '/transactions',
    {
      preHandler: requires(canEditHoldings),
      schema: {
        tags: ['transactions'],
        summary: 'Record a purchase, charge, payment, refund, fee or credit; the same source and externalId again returns the first (200)',
        body: TransactionInput,
        response: { 200: TransactionSchema, 201: TransactionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { transaction, created } = await db()
        .transaction()
        .execute((trx) => recordTransaction(trx, actorOf(request), request.body));
      return reply.status(created ? 201 : 200).send(transaction);
    },
  );

  app.get(
    '/transactions',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags: ['transactions'],
        summary: "A customer's transactions, newest first; page back with `before`",
        querystring: TransactionQuery,
        response: { 200: TransactionList, ...errorResponses },
      },
    },
    async (request) => listTransactionsByCustomer(db(), actorOf(request).workspaceId, request.query),
  );

  app.get(
    '/transactions/:id',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags: ['transactions'],
        summary: 'One transaction',
        params: IdParams,
        response: { 200: TransactionSchema, ...errorResponses },
      },
    },
    async (request) => getTransaction(db(), actorOf(request).workspaceId, request.params.id),
  );
};
