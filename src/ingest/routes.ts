import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { canIngestEvents } from '../auth/permissions.js';
import { AppError } from '../errors.js';
import { FREE_JSON_LIMITS, findInputIssue } from '../http/input-guard.js';
import { ErrorBody } from '../http/schemas.js';
import { BATCH_LIMIT_BYTES, EVENT_LIMIT_BYTES, parseIngestBody, type BodyLimit } from './body.js';
import { fromPostHog, isObject, readMessages, TYPE_BY_LETTER, type ReadBatch, type RequestFacts } from './messages.js';
import { scanBatch, scanEvent } from './scan.js';
import { storeEvents, type IngestSource } from './store.js';
import { createWriteKeyCache } from './write-keys.js';
import type { IngestEventType } from './tables.js';

const tags = ['ingest'];
const BATCH: BodyLimit = { bytes: BATCH_LIMIT_BYTES, name: 'batch' };
const EVENT: BodyLimit = { bytes: EVENT_LIMIT_BYTES, name: 'event' };
const TYPES: IngestEventType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias'];

const Accepted = Type.Object({
  success: Type.Boolean(),
  accepted: Type.Integer({
    description: 'Events kept (including ones already received before: retries are acknowledged, not stored twice)',
  }),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), messageId: Type.Optional(Type.String()), reason: Type.String() }), {
    description: 'Events of the batch that were not kept, by index, with the reason',
  }),
});
const responses = { 200: Accepted, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody };
const AnyObject = Type.Object({}, { additionalProperties: true });
const BatchBody = Type.Object(
  {
    batch: Type.Array(Type.Unknown()),
    sentAt: Type.Optional(Type.Unknown()),
    sent_at: Type.Optional(Type.Unknown()),
    context: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: true },
);
const JitsuParams = Type.Object({ type: Type.Union(TYPES.map((t) => Type.Literal(t))) });

/** The key a client presented: the Basic-auth user (Segment, RudderStack), X-Write-Key (Jitsu), or the body (analytics.js, PostHog). */
function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (basic?.[1]) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] || undefined;
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer?.[1]) return bearer[1];
  }
  const writeKeyHeader = request.headers['x-write-key'];
  // Jitsu keys are `id:secret`; the secret part is the Rapport write key (`rapport:rk_write_…`).
  if (typeof writeKeyHeader === 'string' && writeKeyHeader) return writeKeyHeader.split(':', 2)[1] ?? writeKeyHeader;
  const body = request.body;
  if (isObject(body)) {
    if (typeof body.writeKey === 'string' && body.writeKey) return body.writeKey;
    if (typeof body.api_key === 'string' && body.api_key) return body.api_key;
  }
  return undefined;
}

/** A body that is one event, with where its documents sit in the text (see scan.ts). */
function scannedEvent(request: FastifyRequest) {
  const sent = request.ingestText;
  if (!sent) return undefined;
  const spans = scanEvent(sent.text);
  return { body: sent, spans: spans ? [spans] : null };
}

/**
 * A batch's own fields (its context goes on every event) get the edge guard's check here, the
 * events theirs one by one in messages.ts. A 400 for the request: no event could be stored.
 */
function checkBatchFields(body: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) {
    if (key === 'batch') continue;
    const issue = findInputIssue(value, FREE_JSON_LIMITS.depth);
    if (issue) {
      const path = `/${key}${issue.path === '/' ? '' : issue.path}`;
      throw new AppError('validation_failed', `Invalid request: body ${path} ${issue.message}`, {
        issues: [{ path, message: issue.message }],
      });
    }
  }
}

function factsOf(request: FastifyRequest, sentAt?: unknown, context?: unknown): RequestFacts {
  return { receivedAt: new Date(), ip: request.ip, userAgent: request.headers['user-agent'], batchSentAt: sentAt, batchContext: context };
}

export interface IngestRouteOptions {
  /** Called once events are stored: wakes the processor (src/workers.ts) so it need not wait for its next poll. */
  onStored?: () => void;
}

/** Event collection in the dialects of the clients companies already run: Segment, RudderStack, analytics.js, PostHog, Jitsu. */
export const ingestRoutes: FastifyPluginAsyncTypebox<IngestRouteOptions> = async (app, options) => {
  const db = () => app.database.db;
  const resolveWriteKey = createWriteKeyCache();

  // Only these routes take any content type and compressed bodies, within Segment's limits.
  app.decorateRequest('ingestText', null);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', parseIngestBody);

  // Browsers post from the customer's own site: any origin may send events (the write key is public by design).
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin) return;
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (request.method === 'OPTIONS') {
      reply
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'authorization, content-type')
        .header('access-control-max-age', '86400');
    }
  });
  for (const path of ['/v1/*', '/batch', '/batch/', '/api/s/*']) {
    app.options(path, { schema: { hide: true } }, async (_request, reply) => reply.status(204).send());
  }

  async function authenticateWriteKey(request: FastifyRequest): Promise<void> {
    const key = presentedKey(request);
    if (!key) {
      throw new AppError(
        'unauthenticated',
        'Send the write key as the Basic-auth user name, an X-Write-Key header, or writeKey (api_key for PostHog) in the body',
      );
    }
    const actor = await resolveWriteKey(db(), key);
    if (!actor || !canIngestEvents(actor)) throw new AppError('unauthenticated', 'The write key is unknown or revoked');
    request.actor = actor;
  }

  const routeConfig = (limit: BodyLimit) => ({
    ingestBodyLimit: limit,
    // Events are checked one by one (messages.ts), so that one bad event does not sink its batch.
    bodyCheckedByRoute: true,
    rateLimit: {
      max: app.config.ingestRateLimit,
      timeWindow: 1000,
      keyGenerator: (request: FastifyRequest) => `ingest|${presentedKey(request) ?? request.ip}`,
    },
  });

  async function accept(
    request: FastifyRequest,
    source: IngestSource,
    facts: RequestFacts,
    read: ReadBatch,
    reply: FastifyReply,
    single = false,
  ) {
    if (single && read.rejected[0]) {
      throw new AppError('validation_failed', `The event was not accepted: ${read.rejected[0].reason}`, {
        issues: [{ path: '/', message: read.rejected[0].reason }],
      });
    }
    const workspaceId = request.actor?.workspaceId as string;
    await storeEvents(app.database, workspaceId, source, read.events, facts);
    options.onStored?.();
    return reply.send({ success: true, accepted: read.events.length, rejected: read.rejected });
  }

  // Segment and RudderStack batches; `/v1/b` is analytics.js batching, `/v1/import` Segment's older name.
  for (const path of ['/v1/batch', '/v1/b', '/v1/import']) {
    app.post(
      path,
      {
        config: routeConfig(BATCH),
        preValidation: authenticateWriteKey,
        schema: {
          tags,
          summary: 'Segment-spec batch (Segment, RudderStack, analytics.js)',
          security: [],
          body: BatchBody,
          response: responses,
        },
      },
      async (request, reply) => {
        checkBatchFields(request.body);
        const facts = factsOf(request, request.body.sentAt, request.body.context);
        const sent = request.ingestText;
        const read = readMessages(request.body.batch, facts, undefined, sent ? { body: sent, spans: scanBatch(sent.text) } : undefined);
        return accept(request, 'segment', facts, read, reply);
      },
    );
  }

  // One event per request, by full or abbreviated type (analytics.js posts to `/v1/t`).
  const singles: Array<[string, IngestEventType]> = [
    ...TYPES.map((t): [string, IngestEventType] => [t, t]),
    ...Object.entries(TYPE_BY_LETTER),
  ];
  for (const [segment, type] of singles) {
    app.post(
      `/v1/${segment}`,
      {
        config: routeConfig(EVENT),
        preValidation: authenticateWriteKey,
        schema: { tags, summary: `Segment-spec ${type} call`, security: [], body: AnyObject, response: responses },
      },
      async (request, reply) => {
        const facts = factsOf(request);
        return accept(request, 'segment', facts, readMessages([request.body], facts, type, scannedEvent(request)), reply, true);
      },
    );
  }

  // PostHog: the project key is `api_key` in the body.
  for (const path of ['/batch', '/batch/']) {
    app.post(
      path,
      {
        config: routeConfig(BATCH),
        preValidation: authenticateWriteKey,
        schema: { tags, summary: 'PostHog batch (posthog-node, posthog-js)', security: [], body: BatchBody, response: responses },
      },
      async (request, reply) => {
        checkBatchFields(request.body);
        const facts = factsOf(request, request.body.sent_at);
        return accept(request, 'posthog', facts, readMessages(request.body.batch.map(fromPostHog), facts), reply);
      },
    );
  }

  // Jitsu: one event per request, the type in the path, the key in X-Write-Key.
  for (const path of ['/api/s/s2s/:type', '/api/s/:type']) {
    app.post(
      path,
      {
        config: routeConfig(EVENT),
        preValidation: authenticateWriteKey,
        schema: { tags, summary: 'Jitsu event (@jitsu/js)', security: [], params: JitsuParams, body: AnyObject, response: responses },
      },
      async (request, reply) => {
        const facts = factsOf(request);
        return accept(
          request,
          'jitsu',
          facts,
          readMessages([request.body], facts, request.params.type, scannedEvent(request)),
          reply,
          true,
        );
      },
    );
  }
};
