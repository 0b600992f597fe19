import type { MessageChannel, MessagePurpose } from '../tables.js';

/** What a channel adapter needs to send one message; rendered and addressed at enqueue. */
export interface OutgoingMessage {
  id: string;
  workspaceId: string;
  customerId: string;
  purpose: MessagePurpose;
  recipient: string;
  subject: string;
  body: string;
  /** The same on every attempt of one message: providers that honour it drop a repeat. */
  idempotencyKey: string;
  /** RFC 8058 one-click unsubscribe URL; null for service messages. */
  unsubscribeUrl: string | null;
}

export interface SendResult {
  /** The provider's id for the message, used to match delivery receipts. */
  providerId: string | null;
}

/**
 * A failed send. `permanent` failures (a rejected address, an HTTP 4xx) are not retried.
 * `outcomeUnknown` marks a failure after the message may already have been handed over (a
 * connection lost mid-send, a timeout): it is retried only on an idempotent channel.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly outcomeUnknown = false,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** One channel adapter. */
export interface Transport {
  channel: MessageChannel;
  /**
   * Whether handing the same message over twice is harmless because the receiver drops a
   * repeated idempotency key (or the write replaces itself). Only such channels resend a
   * message whose worker died mid-send; the others mark it failed with outcome_unknown.
   */
  idempotent: boolean;
  /**
   * Sends it carries at once (an SMTP pool's connections). A worker hands over no more than
   * this, so every message marked handed over is really on its way, and a crash leaves at
   * most this many with an unknown outcome. Default 5.
   */
  concurrency?: number;
  send(message: OutgoingMessage): Promise<SendResult>;
  close?(): Promise<void>;
}

export type Transports = Partial<Record<MessageChannel, Transport>>;

/** Errors of a connection that was never made: nothing was handed over, so a retry is safe. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function neverConnected(code: unknown): boolean {
  return typeof code === 'string' && NEVER_CONNECTED.has(code);
}

/** HTTP answers worth retrying: timeouts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
