import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { canManageAccess, canReadAuditLog, canReadWorkspace } from '../auth/permissions.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/service.js';
import { actorOf, requires } from '../http/authenticate.js';
import { DateTime, errorResponses, IdParams, Limit, Nullable, OneOf, PageBefore, PageOf } from '../http/schemas.js';
import { listAuditEntries } from './audit.js';
import { addMember, changeMemberRole, getWorkspace, listMembers } from './service.js';
import { ROLES } from './tables.js';
import { API_KEY_KINDS } from '../auth/tables.js';

const RoleSchema = OneOf(ROLES);
const WorkspaceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  defaultCountry: Type.String(),
  defaultCurrency: Type.String(),
  createdAt: DateTime,
});
const MemberSchema = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  createdAt: DateTime,
});
const ApiKeySchema = Type.Object({
  id: Type.String(),
  kind: OneOf(API_KEY_KINDS),
  name: Type.String(),
  prefix: Type.String(),
  createdAt: DateTime,
  lastUsedAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
});
const AuditSchema = Type.Object({
  id: Type.String(),
  occurredAt: DateTime,
  actorKind: Type.String(),
  actorId: Nullable(Type.String()),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  changes: Type.Record(Type.String(), Type.Unknown()),
});

export const workspaceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = () => app.database.db;

  app.get(
    '/workspace',
    {
      preHandler: requires(canReadWorkspace),
      schema: { tags: ['workspace'], summary: 'The current workspace', response: { 200: WorkspaceSchema, ...errorResponses } },
    },
    async (request) => getWorkspace(db(), actorOf(request).workspaceId),
  );

  app.get(
    '/members',
    {
      preHandler: requires(canReadWorkspace),
      schema: {
        tags: ['workspace'],
        summary: 'People in this workspace and their roles',
        response: { 200: Type.Object({ data: Type.Array(MemberSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ data: await listMembers(db(), actorOf(request).workspaceId) }),
  );

  app.post(
    '/members',
    {
      preHandler: requires(canManageAccess),
      schema: {
        tags: ['workspace'],
        summary: 'Add a person with a role (a new person needs a password)',
        body: Type.Object(
          {
            email: Type.String({ maxLength: 254 }),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            role: RoleSchema,
            password: Type.Optional(Type.String({ maxLength: 1024 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: MemberSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const member = await db()
        .transaction()
        .execute((trx) => addMember(trx, actorOf(request), request.body));
      return reply.status(201).send(member);
    },
  );

  app.patch(
    '/members/:id',
    {
      preHandler: requires(canManageAccess),
      schema: {
        tags: ['workspace'],
        summary: "Change a member's role",
        params: IdParams,
        body: Type.Object({ role: RoleSchema }, { additionalProperties: false }),
        response: { 200: MemberSchema, ...errorResponses },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => changeMemberRole(trx, actorOf(request), request.params.id, request.body.role)),
  );

  app.get(
    '/api-keys',
    {
      preHandler: requires(canManageAccess),
      schema: {
        tags: ['workspace'],
        summary: 'API keys (never their secret)',
        response: { 200: Type.Object({ data: Type.Array(ApiKeySchema) }), ...errorResponses },
      },
    },
    async (request) => ({ data: await listApiKeys(db(), actorOf(request).workspaceId) }),
  );

  app.post(
    '/api-keys',
    {
      preHandler: requires(canManageAccess),
      schema: {
        tags: ['workspace'],
        summary: 'Create a key; the key itself is in this answer only',
        body: Type.Object(
          { kind: OneOf(API_KEY_KINDS), name: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ key: Type.String(), apiKey: ApiKeySchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await db()
        .transaction()
        .execute((trx) => createApiKey(trx, actorOf(request), request.body));
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      preHandler: requires(canManageAccess),
      schema: { tags: ['workspace'], summary: 'Revoke a key', params: IdParams, response: { 200: ApiKeySchema, ...errorResponses } },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => revokeApiKey(trx, actorOf(request), request.params.id)),
  );

  app.get(
    '/audit-log',
    {
      preHandler: requires(canReadAuditLog),
      schema: {
        tags: ['workspace'],
        summary: 'Who changed what, when; newest first',
        querystring: Type.Object(
          {
            entityType: Type.Optional(Type.String()),
            entityId: Type.Optional(Type.String()),
            before: PageBefore,
            limit: Limit(200, 50),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(AuditSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { entityType, entityId, before, limit } = request.query;
      return listAuditEntries(db(), { workspaceId: actorOf(request).workspaceId, entityType, entityId, limit, before });
    },
  );
};
