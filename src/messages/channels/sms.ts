import { isRetryableStatus, neverConnected, TransportError, type Transport } from './types.js';

export interface SmsOptions {
  url: string;
  token: string | undefined;
  from: string;
  /** The provider dedupes on Idempotency-Key, so a repeat after a crash is harmless. */
  idempotent: boolean;
  timeoutMs?: number;
}

/**
 * SMS through an HTTP provider: `POST url` with JSON `{ to, from, text, reference }`, a
 * bearer token and an Idempotency-Key header; a 2xx answer may name the provider's id
 * (`id`), which delivery receipts refer to.
 */
export function createSmsTransport(options: SmsOptions): Transport {
  return {
    channel: 'sms',
    idempotent: options.idempotent,
    async send(message) {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': message.idempotencyKey,
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
          body: JSON.stringify({ to: message.recipient, from: options.from, text: message.body, reference: message.id }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        // fetch fails with a TypeError whose cause is the socket error; a timeout may come after the provider took it.
        const cause = (error as { cause?: { code?: unknown } }).cause;
        throw new TransportError(`SMS provider unreachable: ${(error as Error).message}`, false, !neverConnected(cause?.code));
      }
      const text = await response.text();
      if (!response.ok) {
        throw new TransportError(`SMS provider answered ${response.status}: ${text.slice(0, 200)}`, !isRetryableStatus(response.status));
      }
      let providerId: string | null = null;
      try {
        const parsed = JSON.parse(text) as { id?: unknown };
        if (typeof parsed.id === 'string') providerId = parsed.id;
      } catch {
        // A provider that answers 2xx without JSON still took the message.
      }
      return { providerId };
    },
  };
}
