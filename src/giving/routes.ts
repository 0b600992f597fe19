import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { canManageLoyalty, canReadLoyalty, canWorkPoints } from '../auth/permissions.js';
import type { JsonObject } from '../db/columns.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { acceptGift, customerGiving, declineGift, getGift, listGifts } from './gifts.js';
import { runGivingForWorkspace } from './job.js';
import { givingLedger } from '../metrics/giving-ledger.js';
import { listGivingRules, updateGivingRule } from './rules.js';
import { getRun, listRuns } from './runs.js';
import {
  CustomerGiving,
  GiftDecision,
  GiftList,
  GiftQuery,
  GiftSchema,
  GivingRuleChanges,
  GivingRuleSchema,
  LedgerQuery,
  LedgerSchema,
  RunSchema,
} from './schemas.js';

const tags = ['giving'];

export const givingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

  app.get(
    '/gifts',
    {
      preHandler: requires(canReadLoyalty),
      schema: {
        tags,
        summary: 'Gifts found by the giving engine, newest first; page back with `before`',
        querystring: GiftQuery,
        response: { 200: GiftList, ...errorResponses },
      },
    },
    async (request) => listGifts(db(), actorOf(request).workspaceId, request.query),
  );

  app.get(
    '/gifts/:id',
    {
      preHandler: requires(canReadLoyalty),
      schema: {
        tags,
        summary: 'One gift with its evidence and the history of its state',
        params: IdParams,
        response: { 200: GiftSchema, ...errorResponses },
      },
    },
    async (request) => getGift(db(), actorOf(request).workspaceId, request.params.id),
  );

  for (const decision of ['accept', 'decline'] as const) {
    app.post(
      `/gifts/:id/${decision}`,
      {
        preHandler: requires(canWorkPoints),
        schema: {
          tags,
          summary:
            decision === 'accept'
              ? 'The customer accepts: the plan changes, the credit or points are given (409 when no longer offered)'
              : 'The customer declines the gift (409 when no longer offered)',
          params: IdParams,
          body: Type.Optional(GiftDecision),
          response: { 200: GiftSchema, ...errorResponses },
        },
      },
      async (request) =>
        db()
          .transaction()
          .execute((trx) =>
            (decision === 'accept' ? acceptGift : declineGift)(trx, actorOf(request), request.params.id, request.body?.note),
          ),
    );
  }

  app.get(
    '/customers/:id/giving',
    {
      preHandler: requires(canReadLoyalty),
      schema: {
        tags,
        summary: "A customer's gifts and the value offered and given back",
        params: IdParams,
        response: { 200: CustomerGiving, ...errorResponses },
      },
    },
    async (request) => customerGiving(db(), actorOf(request).workspaceId, request.params.id),
  );

  app.get(
    '/giving/rules',
    {
      preHandler: requires(canReadLoyalty),
      schema: {
        tags,
        summary: 'The giving rules and their thresholds',
        response: { 200: Type.Object({ data: Type.Array(GivingRuleSchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      data: (await listGivingRules(db(), actorOf(request).workspaceId)).map((r) => ({ ...r, config: r.config as JsonObject })),
    }),
  );

  app.patch(
    '/giving/rules/:id',
    {
      preHandler: requires(canManageLoyalty),
      schema: {
        tags,
        summary: "Rename, switch on or off, or change a rule's thresholds",
        params: IdParams,
        body: GivingRuleChanges,
        response: { 200: GivingRuleSchema, ...errorResponses },
      },
    },
    async (request) => {
      const rule = await updateGivingRule(db(), actorOf(request), request.params.id, {
        ...(request.body.name !== undefined ? { name: request.body.name } : {}),
        ...(request.body.enabled !== undefined ? { enabled: request.body.enabled } : {}),
        ...(request.body.config !== undefined ? { config: request.body.config as JsonObject } : {}),
      });
      return { ...rule, config: rule.config as JsonObject };
    },
  );

  app.post(
    '/giving/runs',
    {
      preHandler: requires(canManageLoyalty),
      schema: { tags, summary: 'Run the giving engine over every customer now', response: { 200: RunSchema, ...errorResponses } },
    },
    async (request) => {
      const workspaceId = actorOf(request).workspaceId;
      const run = await runGivingForWorkspace(db(), workspaceId, { workerId: `api:${request.id}` });
      return getRun(db(), workspaceId, run.runId);
    },
  );

  app.get(
    '/giving/runs',
    {
      preHandler: requires(canReadLoyalty),
      schema: {
        tags,
        summary: 'Recent runs of the giving engine',
        response: { 200: Type.Object({ data: Type.Array(RunSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ data: await listRuns(db(), actorOf(request).workspaceId) }),
  );

  app.get(
    '/giving/ledger',
    {
      preHandler: requires(canReadLoyalty),
      schema: {
        tags,
        summary: 'Value given back per month, rule and customer, and what followed (retention, NPS of recipients vs others)',
        querystring: LedgerQuery,
        response: { 200: LedgerSchema, ...errorResponses },
      },
    },
    async (request) => givingLedger(db(), actorOf(request).workspaceId, request.query),
  );
};
