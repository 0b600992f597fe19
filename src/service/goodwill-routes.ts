import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { canApproveGoodwill, canGrantGoodwill, canManageService, canReadService } from '../auth/permissions.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { decideGesture, grantGesture, listGestures, listGoodwillBudgets, setGoodwillBudget } from './goodwill.js';
import {
  BudgetInput,
  BudgetList,
  BudgetSchema,
  GestureDecision,
  GestureInput,
  GestureList,
  GestureQuery,
  GestureSchema,
} from './settings-schemas.js';

/** Goodwill gestures and the monthly budgets per role. */
export const goodwillRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

  app.put(
    '/goodwill/budgets',
    {
      preHandler: requires(canManageService),
      schema: {
        tags: ['goodwill'],
        summary: 'Set what one person in a role may grant per month without approval',
        body: BudgetInput,
        response: { 200: BudgetSchema, ...errorResponses },
      },
    },
    async (request) => setGoodwillBudget(db(), actorOf(request), request.body.role, request.body.monthlyLimit),
  );

  app.get(
    '/goodwill/budgets',
    {
      preHandler: requires(canReadService),
      schema: { tags: ['goodwill'], summary: 'Monthly goodwill budgets per role', response: { 200: BudgetList, ...errorResponses } },
    },
    async (request) => ({ data: await listGoodwillBudgets(db(), actorOf(request).workspaceId) }),
  );

  app.post(
    '/goodwill/gestures',
    {
      preHandler: requires(canGrantGoodwill),
      schema: {
        tags: ['goodwill'],
        summary: 'Grant a credit, waived fee or free replacement: granted within budget, otherwise pending a lead',
        body: GestureInput,
        response: { 201: GestureSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await db()
          .transaction()
          .execute((trx) => grantGesture(trx, actorOf(request), request.body)),
      ),
  );

  app.post(
    '/goodwill/gestures/:id/decision',
    {
      preHandler: requires(canApproveGoodwill),
      schema: {
        tags: ['goodwill'],
        summary: 'A lead approves or rejects a gesture above budget',
        params: IdParams,
        body: GestureDecision,
        response: { 200: GestureSchema, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => decideGesture(trx, actorOf(request), request.params.id, request.body.approve, request.body.note)),
  );

  app.get(
    '/goodwill/gestures',
    {
      preHandler: requires(canReadService),
      schema: {
        tags: ['goodwill'],
        summary: 'Gestures, newest first',
        querystring: GestureQuery,
        response: { 200: GestureList, ...errorResponses },
      },
    },
    async (request) => ({ data: await listGestures(db(), actorOf(request).workspaceId, request.query) }),
  );
};
