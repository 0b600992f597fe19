import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Actor } from './actor.js';
import { canReadWorkspace } from './permissions.js';
import { actorOf, requires } from '../http/authenticate.js';
import { refuseCrossSiteChange } from '../http/csrf.js';
import { ErrorBody } from '../http/schemas.js';
import { getWorkspace } from '../workspaces/service.js';
import { resolveSession, SESSION_COOKIE, signIn, signOut } from './service.js';

export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

const Me = Type.Object({
  user: Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }),
  role: Type.String(),
  workspace: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String() }),
});

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const describeUser = async (actor: Extract<Actor, { kind: 'user' }>): Promise<Static<typeof Me>> => {
    const workspace = await getWorkspace(app.database.db, actor.workspaceId);
    return {
      user: { id: actor.userId, name: actor.name, email: actor.email },
      role: actor.role,
      workspace: { id: workspace.id, name: workspace.name, slug: workspace.slug },
    };
  };

  // Login CSRF: another site must not sign the browser in to an account of its choosing, nor out.
  const sameOriginOnly = async (request: FastifyRequest) => refuseCrossSiteChange(request);

  app.post(
    '/auth/sign-in',
    {
      onRequest: sameOriginOnly,
      config: {
        // Password guessing: a few tries per account per address per minute, then 429 with Retry-After.
        rateLimit: {
          max: SIGN_IN_ATTEMPTS_PER_MINUTE,
          timeWindow: '1 minute',
          keyGenerator: (request) =>
            `${request.ip}|${String((request.body as { email?: unknown } | undefined)?.email ?? '')
              .trim()
              .toLowerCase()}`,
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets an httpOnly session cookie',
        security: [],
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
            workspace: Type.Optional(Type.String({ description: 'Workspace id or slug; the first membership when omitted' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Me, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const session = await signIn(app.database.db, { ...request.body, ttlHours: app.config.sessionTtlHours });
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: app.config.cookieSecure,
        expires: session.expiresAt,
      });
      return describeUser(session.actor);
    },
  );

  app.post(
    '/auth/sign-out',
    {
      onRequest: sameOriginOnly,
      schema: { tags: ['auth'], summary: 'End the session', security: [], response: { 204: Type.Null(), 403: ErrorBody } },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await signOut(app.database.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  // The browser app asks this on start: a visitor who is not signed in is an answer, not an error (no 401 in the console).
  app.get(
    '/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user of the session cookie, or null when there is none (never 401)',
        security: [],
        response: { 200: Type.Object({ session: Type.Union([Me, Type.Null()]) }) },
      },
    },
    async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      const actor = token ? await resolveSession(app.database.db, token) : undefined;
      if (!actor || actor.kind !== 'user') return { session: null };
      return { session: await describeUser(actor) };
    },
  );

  app.get(
    '/auth/me',
    {
      preHandler: requires(canReadWorkspace),
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, their role and workspace',
        response: { 200: Me, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.kind !== 'user') {
        return reply.status(403).send({ error: { code: 'forbidden', message: 'Only a signed-in user has a profile; API keys do not' } });
      }
      return describeUser(actor);
    },
  );
};
