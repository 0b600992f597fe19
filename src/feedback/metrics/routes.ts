import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { canReadFeedbackMetrics } from '../../auth/permissions.js';
import { actorOf, requires } from '../../http/authenticate.js';
import { errorResponses } from '../../http/schemas.js';
import {
  FeedbackMetricsQuery,
  FeedbackMetricsSchema,
  FeedbackThemesQuery,
  FeedbackThemesSchema,
  ScorecardQuery,
  ScorecardsSchema,
} from './schemas.js';
import { getAgentScorecards, getFeedbackMetrics } from '../../metrics/feedback-metrics.js';
import { getFeedbackThemes } from './themes.js';

export const feedbackMetricsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

  app.get(
    '/feedback/metrics',
    {
      preHandler: requires(canReadFeedbackMetrics),
      schema: {
        tags: ['feedback'],
        summary: 'NPS (with count and margin of error), CSAT, CES and elevated feelings for a period, by a dimension, with a trend',
        querystring: FeedbackMetricsQuery,
        response: { 200: FeedbackMetricsSchema, ...errorResponses },
      },
    },
    async (request) => getFeedbackMetrics(db(), actorOf(request).workspaceId, request.query),
  );

  app.get(
    '/feedback/themes',
    {
      preHandler: requires(canReadFeedbackMetrics),
      schema: {
        tags: ['feedback'],
        summary: 'Themes named in comments for a period: frequency, mean sentiment and up to 3 example quotes each',
        querystring: FeedbackThemesQuery,
        response: { 200: FeedbackThemesSchema, ...errorResponses },
      },
    },
    async (request) => getFeedbackThemes(db(), actorOf(request).workspaceId, request.query),
  );

  app.get(
    '/feedback/scorecards',
    {
      preHandler: requires(canReadFeedbackMetrics),
      schema: {
        tags: ['feedback'],
        summary: 'Agent scorecards built on what customers said (NPS, CSAT, CES, feelings), not handle time',
        querystring: ScorecardQuery,
        response: { 200: ScorecardsSchema, ...errorResponses },
      },
    },
    async (request) => getAgentScorecards(db(), actorOf(request).workspaceId, request.query),
  );
};
