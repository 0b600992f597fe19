import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { canManageService, canReadService } from '../auth/permissions.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses } from '../http/schemas.js';
import {
  JobInput,
  JobList,
  JobSchema,
  SlaPolicyInput,
  SlaPolicyList,
  SlaPolicySchema,
  TeamInput,
  TeamList,
  TeamSchema,
} from './settings-schemas.js';
import { createSlaPolicy, listSlaPolicies } from './sla.js';
import { createJob, createTeam, listJobs, listTeams } from './teams.js';
import { getServiceMetrics } from '../metrics/service-metrics.js';
import { MetricsQuery, ServiceMetricsSchema } from './metrics-schemas.js';

/** Teams, jobs and SLA policies. */
export const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

  app.post(
    '/teams',
    {
      preHandler: requires(canManageService),
      schema: {
        tags: ['service'],
        summary: 'Create a team with its lead and members',
        body: TeamInput,
        response: { 201: TeamSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await db()
          .transaction()
          .execute((trx) => createTeam(trx, actorOf(request), request.body)),
      ),
  );

  app.get(
    '/teams',
    {
      preHandler: requires(canReadService),
      schema: { tags: ['service'], summary: 'Teams', response: { 200: TeamList, ...errorResponses } },
    },
    async (request) => ({ data: await listTeams(db(), actorOf(request).workspaceId) }),
  );

  app.post(
    '/jobs',
    {
      preHandler: requires(canManageService),
      schema: {
        tags: ['service'],
        summary: "Add a customer's job to be done",
        body: JobInput,
        response: { 201: JobSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createJob(db(), actorOf(request), request.body)),
  );

  app.get(
    '/jobs',
    {
      preHandler: requires(canReadService),
      schema: { tags: ['service'], summary: 'Jobs to be done', response: { 200: JobList, ...errorResponses } },
    },
    async (request) => ({ data: await listJobs(db(), actorOf(request).workspaceId) }),
  );

  app.post(
    '/sla-policies',
    {
      preHandler: requires(canManageService),
      schema: {
        tags: ['service'],
        summary: 'Create an SLA policy: a business-hours calendar and targets by priority and channel',
        body: SlaPolicyInput,
        response: { 201: SlaPolicySchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await db()
          .transaction()
          .execute((trx) => createSlaPolicy(trx, actorOf(request), request.body)),
      ),
  );

  app.get(
    '/sla-policies',
    {
      preHandler: requires(canReadService),
      schema: { tags: ['service'], summary: 'SLA policies', response: { 200: SlaPolicyList, ...errorResponses } },
    },
    async (request) => ({ data: await listSlaPolicies(db(), actorOf(request).workspaceId) }),
  );

  app.get(
    '/service/metrics',
    {
      preHandler: requires(canReadService),
      schema: {
        tags: ['service'],
        summary: 'Service metrics for a period by channel, team, agent, job or product line, with a series over time',
        querystring: MetricsQuery,
        response: { 200: ServiceMetricsSchema, ...errorResponses },
      },
    },
    async (request) => getServiceMetrics(db(), actorOf(request).workspaceId, request.query),
  );
};
