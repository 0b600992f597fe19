import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  canManageMessageTemplates,
  canReadCustomers,
  canRecordInboundMessages,
  canRequeueMessages,
  canSendMessages,
} from '../auth/permissions.js';
import { actorOf, requires } from '../http/authenticate.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { enqueueMessage } from './enqueue.js';
import { recordInbound } from './inbound.js';
import {
  InboundInput,
  InboundResult,
  MessageDetail,
  MessageInput,
  MessageList,
  MessageQuery,
  MessageSchema,
  PreviewInput,
  PreviewSchema,
  RequeueInput,
  RequeueResult,
  SettingsChanges,
  SettingsSchema,
  TemplateChanges,
  TemplateInput,
  TemplateList,
  TemplateSchema,
} from './schemas.js';
import { requeueMessages } from './requeue.js';
import { countMessagesByStatus, getMessage, listMessages } from './service.js';
import { getSettings, updateSettings } from './settings.js';
import { createTemplate, getTemplate, listTemplates, previewTemplate, updateTemplate } from './templates.js';

const tags = ['messages'];

export const messageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;
  const workspaceOf = (request: Parameters<typeof actorOf>[0]) => actorOf(request).workspaceId;

  app.get(
    '/message-templates',
    {
      preHandler: requires(canReadCustomers),
      schema: { tags, summary: 'Message templates by key and language', response: { 200: TemplateList, ...errorResponses } },
    },
    async (request) => ({ data: await listTemplates(db(), workspaceOf(request)) }),
  );

  app.post(
    '/message-templates',
    {
      preHandler: requires(canManageMessageTemplates),
      schema: {
        tags,
        summary: 'Add a template in one language (Liquid: customer, holdings, data, workspace); checked before it is stored',
        body: TemplateInput,
        response: { 201: TemplateSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createTemplate(db(), workspaceOf(request), request.body)),
  );

  app.get(
    '/message-templates/:id',
    {
      preHandler: requires(canReadCustomers),
      schema: { tags, summary: 'One template', params: IdParams, response: { 200: TemplateSchema, ...errorResponses } },
    },
    async (request) => getTemplate(db(), workspaceOf(request), request.params.id),
  );

  app.patch(
    '/message-templates/:id',
    {
      preHandler: requires(canManageMessageTemplates),
      schema: {
        tags,
        summary: "Change a template's subject or body",
        params: IdParams,
        body: TemplateChanges,
        response: { 200: TemplateSchema, ...errorResponses },
      },
    },
    async (request) => updateTemplate(db(), workspaceOf(request), request.params.id, request.body),
  );

  app.post(
    '/message-templates/preview',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags,
        summary: 'Render a stored template or a draft for one customer, as the message would read',
        body: PreviewInput,
        response: { 200: PreviewSchema, ...errorResponses },
      },
    },
    async (request) => previewTemplate(db(), workspaceOf(request), request.body),
  );

  app.post(
    '/messages',
    {
      preHandler: requires(canSendMessages),
      schema: {
        tags,
        summary:
          'Queue a message: channel by preference and consent, held for quiet hours, suppressed (with the reason) when it may not go',
        body: MessageInput,
        response: { 201: MessageSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const message = await db()
        .transaction()
        .execute((trx) => enqueueMessage(trx, workspaceOf(request), request.body));
      return reply.status(201).send(message);
    },
  );

  app.get(
    '/messages',
    {
      preHandler: requires(canReadCustomers),
      schema: { tags, summary: 'The outbox, newest first', querystring: MessageQuery, response: { 200: MessageList, ...errorResponses } },
    },
    async (request) => listMessages(db(), workspaceOf(request), request.query),
  );

  app.get(
    '/messages/counts',
    {
      preHandler: requires(canReadCustomers),
      schema: { tags, summary: 'Messages per status', response: { 200: Type.Record(Type.String(), Type.Integer()), ...errorResponses } },
    },
    async (request) => countMessagesByStatus(db(), workspaceOf(request)),
  );

  app.get(
    '/messages/:id',
    {
      preHandler: requires(canReadCustomers),
      schema: {
        tags,
        summary: 'One message and what happened to it',
        params: IdParams,
        response: { 200: MessageDetail, ...errorResponses },
      },
    },
    async (request) => getMessage(db(), workspaceOf(request), request.params.id),
  );

  // A crash can leave an email `outcome_unknown`; only a person who checked it did not arrive sends it again.
  app.post(
    '/messages/:id/requeue',
    {
      preHandler: requires(canRequeueMessages),
      schema: {
        tags,
        summary: 'Queue a message that failed with outcome_unknown again (it may arrive twice); 409 for a message in any other state',
        params: IdParams,
        response: { 200: MessageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const [message] = await db()
        .transaction()
        .execute((trx) => requeueMessages(trx, actorOf(request), [request.params.id], { single: true }));
      return message;
    },
  );

  app.post(
    '/messages/requeue',
    {
      preHandler: requires(canRequeueMessages),
      schema: {
        tags,
        summary: 'Queue up to 100 outcome_unknown messages again, all or none',
        body: RequeueInput,
        response: { 200: RequeueResult, ...errorResponses },
      },
    },
    async (request) => ({
      data: await db()
        .transaction()
        .execute((trx) => requeueMessages(trx, actorOf(request), request.body.ids)),
    }),
  );

  app.post(
    '/messages/inbound',
    {
      preHandler: requires(canRecordInboundMessages),
      schema: {
        tags,
        summary: 'A delivery receipt, bounce or reply from a provider (SMS callbacks, email reply webhooks); a write key may call it',
        body: InboundInput,
        response: { 200: InboundResult, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => recordInbound(trx, workspaceOf(request), request.body)),
  );

  app.get(
    '/message-settings',
    {
      preHandler: requires(canReadCustomers),
      schema: { tags, summary: 'Default language and contact cap', response: { 200: SettingsSchema, ...errorResponses } },
    },
    async (request) => getSettings(db(), workspaceOf(request)),
  );

  app.patch(
    '/message-settings',
    {
      preHandler: requires(canManageMessageTemplates),
      schema: {
        tags,
        summary: 'Change the default language or contact cap',
        body: SettingsChanges,
        response: { 200: SettingsSchema, ...errorResponses },
      },
    },
    async (request) => updateSettings(db(), workspaceOf(request), request.body),
  );
};
