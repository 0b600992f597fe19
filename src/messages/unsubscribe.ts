import type { Kysely } from 'kysely';
import { systemActor } from '../auth/actor.js';
import { hasConsent, recordConsent } from '../customers/consent.js';
import type { DB } from '../db/schema.js';
import { AppError } from '../errors.js';
import { recordMessageEvent } from './events.js';
import { CONSENT_CHANNEL, CONSENT_PURPOSE } from './consent-rules.js';

const TOKEN = /^(ws_[0-9a-z]+)\.([A-Za-z0-9_-]{32})$/;

/**
 * RFC 8058 one-click unsubscribe: the token from a message's List-Unsubscribe URL (random,
 * 192 bits, stored only on that message) withdraws consent for the message's purpose on its
 * channel, appended to the consent history. A second POST changes nothing.
 */
export async function unsubscribeByToken(
  db: Kysely<DB>,
  token: string,
  now: Date = new Date(),
): Promise<{ customerId: string; purpose: string; channel: string; alreadyWithdrawn: boolean }> {
  const match = TOKEN.exec(token);
  const message = match
    ? await db
        .selectFrom('messages')
        .select(['workspace_id', 'id', 'customer_id', 'purpose', 'channel'])
        .where('workspace_id', '=', match[1] as string)
        .where('unsubscribe_token', '=', match[2] as string)
        .executeTakeFirst()
    : undefined;
  if (!message?.channel) throw new AppError('not_found', 'This unsubscribe link is not valid');
  const purpose = CONSENT_PURPOSE[message.purpose];
  const channel = CONSENT_CHANNEL[message.channel];
  const granted = await hasConsent(db, message.workspace_id, message.customer_id, purpose, channel);
  if (granted) {
    await recordConsent(db, systemActor(message.workspace_id, 'one-click-unsubscribe'), message.customer_id, {
      purpose,
      channel,
      status: 'withdrawn',
      source: 'one_click_unsubscribe',
      evidence: { messageId: message.id },
    });
    await recordMessageEvent(db, message, 'unsubscribed', { purpose, channel }, now);
  }
  return { customerId: message.customer_id, purpose, channel, alreadyWithdrawn: !granted };
}
