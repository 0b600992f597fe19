import { Webhook } from 'standardwebhooks';
import { isRetryableStatus, TransportError, type Transport } from './types.js';

export interface WebhookOptions {
  url: string;
  /** `whsec_…` secret shared with the receiver. */
  secret: string;
  timeoutMs?: number;
  now?: () => Date;
}

/**
 * Deliveries signed to the Standard Webhooks spec: `webhook-id` is the message's
 * idempotency key, stable across attempts, and the spec asks receivers to drop a repeated
 * id, so a repeat after a crash is harmless and this channel is idempotent.
 */
export function createWebhookTransport(options: WebhookOptions): Transport {
  const signer = new Webhook(options.secret);
  const now = options.now ?? (() => new Date());
  return {
    channel: 'webhook',
    idempotent: true,
    async send(message) {
      const at = now();
      const payload = JSON.stringify({
        type: 'message.created',
        timestamp: at.toISOString(),
        data: {
          messageId: message.id,
          customerId: message.customerId,
          purpose: message.purpose,
          subject: message.subject,
          body: message.body,
          unsubscribeUrl: message.unsubscribeUrl,
        },
      });
      const headers = {
        'content-type': 'application/json',
        'webhook-id': message.idempotencyKey,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signer.sign(message.idempotencyKey, at, payload),
      };
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers,
          body: payload,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        // Idempotent channel: a repeat under the same webhook-id is harmless, so even an unknown outcome is retried.
        throw new TransportError(`Webhook endpoint unreachable: ${(error as Error).message}`, false, true);
      }
      await response.arrayBuffer();
      if (!response.ok) throw new TransportError(`Webhook endpoint answered ${response.status}`, !isRetryableStatus(response.status));
      return { providerId: null };
    },
  };
}
