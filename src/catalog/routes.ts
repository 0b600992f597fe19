import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { canManageCatalog, canReadCatalog } from '../auth/permissions.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import {
  PlanChanges,
  PlanInput,
  PlanList,
  PlanQuery,
  PlanSchema,
  ProductInput,
  ProductLineInput,
  ProductLineList,
  ProductLineSchema,
  ProductList,
  ProductQuery,
  ProductSchema,
} from './schemas.js';
import {
  createPlan,
  createProduct,
  createProductLine,
  getPlan,
  getProduct,
  getProductLine,
  listPlans,
  listProductLines,
  listProducts,
  updatePlan,
} from './service.js';

const tags = ['catalog'];

export const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

  app.post(
    '/product-lines',
    {
      preHandler: requires(canManageCatalog),
      schema: {
        tags,
        summary: 'Create a product line (mobile, broadband, insurance…)',
        body: ProductLineInput,
        response: { 201: ProductLineSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const line = await db()
        .transaction()
        .execute((trx) => createProductLine(trx, actorOf(request), request.body));
      return reply.status(201).send(line);
    },
  );

  app.get(
    '/product-lines',
    {
      preHandler: requires(canReadCatalog),
      schema: { tags, summary: 'Product lines, by code', response: { 200: ProductLineList, ...errorResponses } },
    },
    async (request) => ({ data: await listProductLines(db(), actorOf(request).workspaceId) }),
  );

  app.get(
    '/product-lines/:id',
    {
      preHandler: requires(canReadCatalog),
      schema: { tags, summary: 'One product line', params: IdParams, response: { 200: ProductLineSchema, ...errorResponses } },
    },
    async (request) => getProductLine(db(), actorOf(request).workspaceId, request.params.id),
  );

  app.post(
    '/products',
    {
      preHandler: requires(canManageCatalog),
      schema: {
        tags,
        summary: 'Create a product within a product line',
        body: ProductInput,
        response: { 201: ProductSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const product = await db()
        .transaction()
        .execute((trx) => createProduct(trx, actorOf(request), request.body));
      return reply.status(201).send(product);
    },
  );

  app.get(
    '/products',
    {
      preHandler: requires(canReadCatalog),
      schema: {
        tags,
        summary: 'Products, optionally of one product line',
        querystring: ProductQuery,
        response: { 200: ProductList, ...errorResponses },
      },
    },
    async (request) => ({ data: await listProducts(db(), actorOf(request).workspaceId, request.query) }),
  );

  app.get(
    '/products/:id',
    {
      preHandler: requires(canReadCatalog),
      schema: { tags, summary: 'One product', params: IdParams, response: { 200: ProductSchema, ...errorResponses } },
    },
    async (request) => getProduct(db(), actorOf(request).workspaceId, request.params.id),
  );

  app.post(
    '/plans',
    {
      preHandler: requires(canManageCatalog),
      schema: {
        tags,
        summary: 'Create a plan: price, allowances and overage rates',
        body: PlanInput,
        response: { 201: PlanSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const plan = await db()
        .transaction()
        .execute((trx) => createPlan(trx, actorOf(request), request.body));
      return reply.status(201).send(plan);
    },
  );

  app.get(
    '/plans',
    {
      preHandler: requires(canReadCatalog),
      schema: {
        tags,
        summary: 'Plans by product, product line or whether they are on sale',
        querystring: PlanQuery,
        response: { 200: PlanList, ...errorResponses },
      },
    },
    async (request) => ({ data: await listPlans(db(), actorOf(request).workspaceId, request.query) }),
  );

  app.get(
    '/plans/:id',
    {
      preHandler: requires(canReadCatalog),
      schema: { tags, summary: 'One plan', params: IdParams, response: { 200: PlanSchema, ...errorResponses } },
    },
    async (request) => getPlan(db(), actorOf(request).workspaceId, request.params.id),
  );

  app.patch(
    '/plans/:id',
    {
      preHandler: requires(canManageCatalog),
      schema: {
        tags,
        summary: 'Rename, reprice or take a plan off sale (existing holdings keep their price)',
        params: IdParams,
        body: PlanChanges,
        response: { 200: PlanSchema, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => updatePlan(trx, actorOf(request), request.params.id, request.body)),
  );
};
