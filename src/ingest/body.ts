import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { SentText } from './messages.js';

/** Segment's documented limits: one event, one batch (after decompression). */
export const EVENT_LIMIT_BYTES = 32 * 1024;
export const BATCH_LIMIT_BYTES = 500 * 1024;

/** What a route accepts in one request body; the parser enforces it. */
export interface BodyLimit {
  bytes: number;
  /** Names the limit in the 400 answer ("batch", "event"). */
  name: 'batch' | 'event';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    ingestBodyLimit?: BodyLimit;
  }
  interface FastifyRequest {
    /** The JSON text of an ingestion body, kept so that events can be stored as sent (scan.ts). */
    ingestText: SentText | null;
  }
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

// A body past its limit is still read to the end (so the client gets the 400, not a reset),
// but not kept; past this much the connection is cut.
const DRAIN_CAP_BYTES = 16 * 1024 * 1024;

export function limitExceeded(limit: BodyLimit): AppError {
  const kb = Math.round(limit.bytes / 1024);
  const message =
    limit.name === 'batch'
      ? `The batch is larger than ${kb} KB, the limit per request; send fewer events per batch`
      : `The event is larger than ${kb} KB, the limit per event`;
  return new AppError('validation_failed', message, {
    limit: limit.name,
    issues: [{ path: '/', message: `exceeds the ${kb} KB ${limit.name} limit` }],
  });
}

async function readRaw(stream: NodeJS.ReadableStream, limit: BodyLimit): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > DRAIN_CAP_BYTES) throw limitExceeded(limit);
    if (size > limit.bytes) over = true;
    if (!over) chunks.push(buffer);
  }
  // A compressed body larger than the limit decompresses to more than the limit.
  if (over) throw limitExceeded(limit);
  return Buffer.concat(chunks, size);
}

async function decode(raw: Buffer, encoding: string, limit: BodyLimit): Promise<Buffer> {
  const options = { maxOutputLength: limit.bytes };
  try {
    switch (encoding) {
      case '':
      case 'identity':
        return raw;
      case 'gzip':
      case 'x-gzip':
        return await gunzip(raw, options);
      case 'deflate':
        return await inflate(raw, options);
      case 'br':
        return await brotli(raw, options);
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw limitExceeded(limit);
    throw new AppError('validation_failed', `The body could not be decompressed as ${encoding}`, {
      issues: [{ path: '/', message: `is not valid ${encoding} data` }],
    });
  }
  throw new AppError('validation_failed', `Content-Encoding ${encoding} is not supported; use gzip, deflate or br`, {
    issues: [{ path: '/', message: `unsupported Content-Encoding ${encoding}` }],
  });
}

/**
 * The content parser of every ingestion route, for any content type (analytics.js sends
 * JSON as text/plain, RudderStack a gzip buffer): decompresses, enforces the route's limit
 * on the decompressed size, and parses JSON.
 */
export async function parseIngestBody(request: FastifyRequest, payload: NodeJS.ReadableStream): Promise<unknown> {
  const limit = request.routeOptions.config.ingestBodyLimit ?? { bytes: BATCH_LIMIT_BYTES, name: 'batch' };
  const raw = await readRaw(payload, limit);
  const encoding = String(request.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const body = await decode(raw, encoding, limit);
  if (body.length > limit.bytes) throw limitExceeded(limit);
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  request.ingestText = { text, ascii: text.length === body.length };
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError('validation_failed', `The body is not valid JSON: ${(error as Error).message}`, {
      issues: [{ path: '/', message: 'is not valid JSON' }],
    });
  }
}
