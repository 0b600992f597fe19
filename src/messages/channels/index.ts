import type { MessagesConfig } from '../../config.js';
import { createEmailTransport } from './email.js';
import { createLetterTransport } from './letter.js';
import { createSmsTransport } from './sms.js';
import type { Transports } from './types.js';
import { createWebhookTransport } from './webhook.js';

export type { OutgoingMessage, SendResult, Transport, Transports } from './types.js';
export { TransportError } from './types.js';

/** The adapters the configuration enables; a channel without its setting has none and is never sent. */
export function createTransports(config: MessagesConfig, options: { pool?: boolean } = {}): Transports {
  const transports: Transports = {};
  if (config.smtpUrl)
    transports.email = createEmailTransport({
      smtpUrl: config.smtpUrl,
      from: config.emailFrom,
      pool: options.pool ?? true,
      maxConnections: config.smtpConnections,
    });
  if (config.smsUrl)
    transports.sms = createSmsTransport({
      url: config.smsUrl,
      token: config.smsToken,
      from: config.smsFrom,
      idempotent: config.smsIdempotent,
    });
  if (config.webhookUrl && config.webhookSecret)
    transports.webhook = createWebhookTransport({ url: config.webhookUrl, secret: config.webhookSecret });
  if (config.lettersDir) transports.letter = createLetterTransport({ dir: config.lettersDir });
  return transports;
}

export async function closeTransports(transports: Transports): Promise<void> {
  await Promise.all(Object.values(transports).map((t) => t.close?.()));
}
