import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { canManageSurveys, canReadCustomers, canRevealSurveyLinks, canSendMessages, canWorkCases } from '../auth/permissions.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { getFollowUp, listFollowUps, resolveFollowUp } from './followups.js';
import { inviteToSurvey, revealInvitationLink } from './invitations.js';
import { listResponses } from './responses.js';
import {
  CaseIdParams,
  FollowUpList,
  FollowUpQuery,
  FollowUpResolveInput,
  FollowUpSchema,
  InvitationInput,
  InvitationSchema,
  PreviewInput,
  PreviewSchema,
  ResponseList,
  RevealedLinkSchema,
  ResponseQuery,
  SurveyChanges,
  SurveyInput,
  SurveyList,
  SurveySchema,
} from './schemas.js';
import { createSurvey, listSurveys, previewSurvey, requireSurvey, toSurvey, updateSurvey } from './surveys.js';

const tags = ['feedback'];

export const feedbackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;
  const ws = (request: Parameters<typeof actorOf>[0]) => actorOf(request).workspaceId;

  app.get(
    '/surveys',
    {
      preHandler: requires(canReadCustomers),
      schema: { tags, summary: 'Surveys, newest first', response: { 200: SurveyList, ...errorResponses } },
    },
    async (request) => ({ data: await listSurveys(db(), ws(request)) }),
  );

  app.post(
    '/surveys',
    {
      preHandler: requires(canManageSurveys),
      schema: {
        tags,
        summary:
          'Create a survey: questions (NPS, CSAT, CES, feelings, text, single and multiple choice) with texts per BCP 47 language, and its trigger',
        body: SurveyInput,
        response: { 201: SurveySchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createSurvey(db(), ws(request), request.body)),
  );

  app.post(
    '/surveys/preview',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags,
        summary: 'The survey page exactly as a customer would see it, for a draft definition (checked first)',
        body: PreviewInput,
        response: { 200: PreviewSchema, ...errorResponses },
      },
    },
    async (request) => previewSurvey(db(), ws(request), request.body),
  );

  app.get(
    '/surveys/:id',
    {
      preHandler: requires(canReadCustomers),
      schema: { tags, summary: 'One survey', params: IdParams, response: { 200: SurveySchema, ...errorResponses } },
    },
    async (request) => toSurvey(await requireSurvey(db(), ws(request), request.params.id)),
  );

  app.patch(
    '/surveys/:id',
    {
      preHandler: requires(canManageSurveys),
      schema: {
        tags,
        summary: 'Change a survey (activate, pause or archive it with status)',
        params: IdParams,
        body: SurveyChanges,
        response: { 200: SurveySchema, ...errorResponses },
      },
    },
    async (request) => updateSurvey(db(), ws(request), request.params.id, request.body),
  );

  app.post(
    '/surveys/:id/invitations',
    {
      preHandler: requires(canSendMessages),
      schema: {
        tags,
        summary:
          'Invite one customer now (contact-frequency rule and consent apply; sampling does not). The link goes to the customer through the outbox only',
        params: IdParams,
        body: InvitationInput,
        response: { 201: InvitationSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const invitation = await db()
        .transaction()
        .execute((trx) => inviteToSurvey(trx, app.config, ws(request), request.params.id, request.body));
      return reply.status(201).send(invitation);
    },
  );

  app.post(
    '/survey-invitations/:id/link',
    {
      preHandler: requires(canRevealSurveyLinks),
      schema: {
        tags,
        summary: "Reveal an invitation's survey link to pass it on by hand (admins only; recorded in the audit log)",
        params: IdParams,
        response: { 200: RevealedLinkSchema, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => revealInvitationLink(trx, actorOf(request), app.config, request.params.id)),
  );

  app.get(
    '/survey-responses',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags,
        summary: 'Survey responses, latest answered first, paged by cursor',
        querystring: ResponseQuery,
        response: { 200: ResponseList, ...errorResponses },
      },
    },
    async (request) => listResponses(db(), ws(request), request.query),
  );

  app.get(
    '/follow-ups',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags,
        summary: 'Follow-ups of unhappy answers, soonest due first, with the score before and after recovery',
        querystring: FollowUpQuery,
        response: { 200: FollowUpList, ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const ownerId = request.query.mine && actor.kind === 'user' ? actor.userId : undefined;
      return { data: await listFollowUps(db(), actor.workspaceId, { state: request.query.state, ownerId }) };
    },
  );

  app.get(
    '/follow-ups/:caseId',
    {
      preHandler: requires(canReadCustomers),
      schema: { tags, summary: 'One follow-up', params: CaseIdParams, response: { 200: FollowUpSchema, ...errorResponses } },
    },
    async (request) => getFollowUp(db(), ws(request), request.params.caseId),
  );

  app.post(
    '/follow-ups/:caseId/resolve',
    {
      preHandler: requires(canWorkCases),
      schema: {
        tags,
        summary: 'Record the outcome (the case is resolved with it as the note) and re-survey the customer',
        params: CaseIdParams,
        body: FollowUpResolveInput,
        response: { 200: FollowUpSchema, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => resolveFollowUp(trx, actorOf(request), app.config, request.params.caseId, request.body)),
  );
};
