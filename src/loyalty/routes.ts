import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { canManageLoyalty, canReadLoyalty, canWorkPoints } from '../auth/permissions.js';
import { resolveCustomer } from '../customers/lookup.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses } from '../http/schemas.js';
import { applyEarningRules, getLoyaltySettings, listEarningRules, putEarningRule, setLoyaltySettings } from './earning.js';
import { expirePoints, postEntry } from './ledger.js';
import { loyaltyPenaltyReport } from './penalty.js';
import { createReward, createTier, getAccount, listRewards, listTiers, redeemReward } from './rewards.js';
import {
  AccountSchema,
  AdjustInput,
  CustomerParams,
  EarningRuleInput,
  EarningRuleSchema,
  EarnRunSchema,
  EntrySchema,
  PenaltyQuery,
  PenaltyReport,
  RedeemInput,
  RedemptionSchema,
  RewardInput,
  RewardSchema,
  SettingsSchema,
  TierInput,
  TierSchema,
} from './schemas.js';

const tags = ['loyalty'];

export const loyaltyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

  app.get(
    '/loyalty/accounts/:customerId',
    {
      preHandler: requires(canReadLoyalty),
      schema: {
        tags,
        summary: "A customer's points balance, tier (from points earned in the rolling window) and latest entries",
        params: CustomerParams,
        response: { 200: AccountSchema, ...errorResponses },
      },
    },
    async (request) => getAccount(db(), actorOf(request).workspaceId, request.params.customerId),
  );

  app.post(
    '/loyalty/adjustments',
    {
      preHandler: requires(canWorkPoints),
      schema: {
        tags,
        summary: 'Add or remove points by hand, with a reason; the same idempotency key records nothing new',
        body: AdjustInput,
        response: { 200: EntrySchema, 201: EntrySchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const entry = await db()
        .transaction()
        .execute(async (trx) => {
          const customer = await resolveCustomer(trx, actor.workspaceId, request.body.customerId);
          return postEntry(trx, actor.workspaceId, {
            customerId: customer.id,
            kind: 'adjust',
            points: request.body.points,
            sourceKey: `adjust:${request.body.idempotencyKey}`,
            reason: request.body.reason,
          });
        });
      return reply.status(entry.created ? 201 : 200).send(entry.entry);
    },
  );

  app.post(
    '/loyalty/redemptions',
    {
      preHandler: requires(canWorkPoints),
      schema: {
        tags,
        summary: 'Spend points on a reward (409 when the balance is too low)',
        body: RedeemInput,
        response: { 201: RedemptionSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await db()
          .transaction()
          .execute((trx) => redeemReward(trx, actorOf(request), request.body)),
      ),
  );

  app.post(
    '/loyalty/earn-runs',
    {
      preHandler: requires(canManageLoyalty),
      schema: {
        tags,
        summary: 'Apply the earning rules and expire lapsed points now (the giving job does this on its schedule too)',
        response: { 200: EarnRunSchema, ...errorResponses },
      },
    },
    async (request) => {
      const workspaceId = actorOf(request).workspaceId;
      return db()
        .transaction()
        .execute(async (trx) => ({ earned: await applyEarningRules(trx, workspaceId), expired: await expirePoints(trx, workspaceId) }));
    },
  );

  app.get(
    '/loyalty/rules',
    {
      preHandler: requires(canReadLoyalty),
      schema: {
        tags,
        summary: 'Earning rules',
        response: { 200: Type.Object({ data: Type.Array(EarningRuleSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ data: await listEarningRules(db(), actorOf(request).workspaceId) }),
  );

  app.put(
    '/loyalty/rules',
    {
      preHandler: requires(canManageLoyalty),
      schema: {
        tags,
        summary: 'Create or replace the earning rule of a kind',
        body: EarningRuleInput,
        response: { 200: EarningRuleSchema, ...errorResponses },
      },
    },
    async (request) => putEarningRule(db(), actorOf(request), request.body),
  );

  app.get(
    '/loyalty/settings',
    {
      preHandler: requires(canReadLoyalty),
      schema: { tags, summary: 'Tier window and points expiry', response: { 200: SettingsSchema, ...errorResponses } },
    },
    async (request) => getLoyaltySettings(db(), actorOf(request).workspaceId),
  );

  app.put(
    '/loyalty/settings',
    {
      preHandler: requires(canManageLoyalty),
      schema: {
        tags,
        summary: 'Set the tier window and points expiry',
        body: SettingsSchema,
        response: { 200: SettingsSchema, ...errorResponses },
      },
    },
    async (request) => setLoyaltySettings(db(), actorOf(request), request.body),
  );

  app.get(
    '/loyalty/tiers',
    {
      preHandler: requires(canReadLoyalty),
      schema: { tags, summary: 'Tiers, lowest first', response: { 200: Type.Object({ data: Type.Array(TierSchema) }), ...errorResponses } },
    },
    async (request) => ({ data: await listTiers(db(), actorOf(request).workspaceId) }),
  );

  app.post(
    '/loyalty/tiers',
    {
      preHandler: requires(canManageLoyalty),
      schema: { tags, summary: 'Add a tier', body: TierInput, response: { 201: TierSchema, ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send(await createTier(db(), actorOf(request), request.body)),
  );

  app.get(
    '/loyalty/rewards',
    {
      preHandler: requires(canReadLoyalty),
      schema: {
        tags,
        summary: 'The rewards catalogue',
        response: { 200: Type.Object({ data: Type.Array(RewardSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ data: await listRewards(db(), actorOf(request).workspaceId) }),
  );

  app.post(
    '/loyalty/rewards',
    {
      preHandler: requires(canManageLoyalty),
      schema: { tags, summary: 'Add a reward', body: RewardInput, response: { 201: RewardSchema, ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send(await createReward(db(), actorOf(request), request.body)),
  );

  app.get(
    '/loyalty/penalty',
    {
      preHandler: requires(canReadLoyalty),
      schema: {
        tags,
        summary: 'Customers paying more than a new customer would pay today for the same product',
        querystring: PenaltyQuery,
        response: { 200: PenaltyReport, ...errorResponses },
      },
    },
    async (request) => loyaltyPenaltyReport(db(), actorOf(request).workspaceId, request.query),
  );
};
