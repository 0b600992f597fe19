import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Actor } from '../auth/actor.js';
import type { Permission } from '../auth/permissions.js';
import { resolveApiKey, resolveSession, SESSION_COOKIE } from '../auth/service.js';
import { AppError } from '../errors.js';
import { refuseCrossSiteChange } from './csrf.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}

/** The actor behind a request: a Bearer secret key, else the session cookie (for a change, only from Rapport's own pages). */
export async function authenticate(request: FastifyRequest): Promise<Actor> {
  if (request.actor) return request.actor;
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <secret key>"');
    const actor = await resolveApiKey(request.server.database.db, match[1]);
    if (!actor) throw new AppError('unauthenticated', 'The API key is unknown or revoked');
    request.actor = actor;
    return actor;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (token) {
    const actor = await resolveSession(request.server.database.db, token);
    if (actor) {
      // The browser sends the cookie whoever made it send the request: a change must prove it came from Rapport's own pages.
      // (A cookie that signs no one in is answered 401 below, like no cookie: it authenticates nothing.)
      refuseCrossSiteChange(request);
      request.actor = actor;
      return actor;
    }
    throw new AppError('unauthenticated', 'The session has expired; sign in again');
  }
  throw new AppError('unauthenticated', 'Sign in, or send a secret key as "Authorization: Bearer <key>"');
}

// The hooks made by `requires`, recognised by `authenticateFirst`.
const permissionChecks = new WeakSet<preHandlerAsyncHookHandler>();

/**
 * A route hook that lets the request through only when the actor has the permission. Routes
 * list it as their `preHandler`; `authenticateFirst` runs it before the body is even parsed.
 */
export function requires(permission: Permission): preHandlerAsyncHookHandler {
  const check = async function checkPermission(request: FastifyRequest, _reply: FastifyReply) {
    const actor = await authenticate(request);
    if (!permission(actor)) {
      const who =
        actor.kind === 'api_key'
          ? actor.keyKind === 'write'
            ? 'A write key may only send events; use a secret key'
            : 'This key'
          : actor.kind === 'user'
            ? `The ${actor.role} role`
            : 'This process';
      throw new AppError('forbidden', `${who} cannot ${permission.description}`);
    }
  };
  permissionChecks.add(check);
  return check;
}

/**
 * Moves every route's `requires` check from preHandler to onRequest, so that who is asking is
 * settled before the body is read, guarded (input-guard.ts) and validated: an unauthenticated
 * request gets its 401 whatever its body, and a stranger learns nothing of a route's schema.
 * Done here once, for every route registered after it, rather than spelled on each route.
 */
export function authenticateFirst(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const preHandlers = [route.preHandler ?? []].flat();
    const checks = preHandlers.filter((hook) => permissionChecks.has(hook as preHandlerAsyncHookHandler));
    if (checks.length === 0) return;
    route.preHandler = preHandlers.filter((hook) => !checks.includes(hook));
    route.onRequest = [...[route.onRequest ?? []].flat(), ...checks] as typeof route.onRequest;
  });
}

/** The actor set by `requires`; routes call it after their preHandler has run. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthenticated', 'Not signed in');
  return request.actor;
}
