import type { Kysely } from 'kysely';
import { systemActor } from '../auth/actor.js';
import { recordConsent } from '../customers/consent.js';
import type { Channel } from '../service/tables.js';
import type { DB } from '../db/schema.js';
import type { MessageChannel, MessageEventKind, MessageStatus } from './tables.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { recordMessageEvent } from './events.js';
import { CONSENT_CHANNEL } from './consent-rules.js';
import type { InboundInput } from './schemas.js';
import { maskText, withheldKeys } from './withheld.js';
import { recordInteraction } from '../service/interactions.js';

/** The interaction channel a message channel is. */
const INTERACTION_CHANNEL: Record<MessageChannel, Channel> = { email: 'email', sms: 'sms', letter: 'paper', webhook: 'app' };

/** An SMS reply that is only one of these words withdraws opt-in consent on SMS. */
const STOP_WORDS = /^\s*(stop|stopall|unsubscribe|end|quit|cancel)\s*$/i;

/**
 * A delivery receipt, bounce or reply for a message we sent, matched by our message id,
 * idempotency key or the provider's id. Receipts move the message's status on (a late
 * receipt never moves it back); every event is kept on the customer's timeline.
 */
export async function recordInbound(
  db: Kysely<DB>,
  workspaceId: string,
  input: InboundInput,
): Promise<{ messageId: string; customerId: string; status: MessageStatus; recorded: string }> {
  if (!input.messageId && !input.providerId) {
    throw new AppError('validation_failed', 'Name the message: messageId or providerId', {
      issues: [{ path: '/messageId', message: 'messageId or providerId is required' }],
    });
  }
  // Email replies quote the Message-ID as <key@domain>.
  const ours = input.messageId?.replace(/^<|@[^>]*>?$/g, '');
  const message = await db
    .selectFrom('messages')
    .select(['id', 'customer_id', 'status', 'channel', 'purpose', 'subject', 'payload'])
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        ...(ours ? [eb('id', '=', ours), eb('idempotency_key', '=', ours)] : []),
        ...(input.providerId ? [eb('provider_id', '=', input.providerId)] : []),
      ]),
    )
    .executeTakeFirst();
  if (!message) throw new AppError('not_found', `No message matches ${input.messageId ?? input.providerId}`);
  const at = input.occurredAt ? new Date(input.occurredAt) : new Date();
  let status = message.status;
  let kind: MessageEventKind;
  if (input.event === 'delivered') {
    kind = 'delivered';
    if (status === 'sent' || status === 'sending') {
      status = 'delivered';
      await db
        .updateTable('messages')
        .set({ status, delivered_at: at, updated_at: new Date() })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', message.id)
        .execute();
    }
  } else if (input.event === 'failed' || input.event === 'bounced') {
    kind = 'bounced';
    if (status === 'sent' || status === 'sending' || status === 'delivered') {
      status = 'failed';
      await db
        .updateTable('messages')
        .set({ status, reason: 'bounced', last_error: input.reason ?? null, updated_at: new Date() })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', message.id)
        .execute();
    }
  } else {
    kind = 'reply';
    if (message.channel === 'sms' && input.text && STOP_WORDS.test(input.text)) {
      const actor = systemActor(workspaceId, 'sms-stop');
      for (const purpose of ['marketing', 'surveys'] as const) {
        await recordConsent(db, actor, message.customer_id, {
          purpose,
          channel: CONSENT_CHANNEL.sms,
          status: 'withdrawn',
          source: 'sms_stop_reply',
          evidence: { messageId: message.id },
        });
      }
    }
  }
  const eventId = newId('mev');
  // A reply often quotes the message, link and all: what staff will read keeps it withheld.
  const keys = withheldKeys(message.payload);
  const text = input.text ? maskText(input.text, message.payload, keys) : input.text;
  const subject = maskText(message.subject, message.payload, keys);
  const detail: Record<string, string> = {};
  if (input.from) detail.from = input.from;
  if (text) detail.text = text;
  if (input.reason) detail.reason = input.reason;
  await recordMessageEvent(db, { workspace_id: workspaceId, id: message.id, customer_id: message.customer_id }, kind, detail, at, eventId);
  // On the customer's timeline as interactions: a reply is the customer contacting us; a receipt
  // or bounce is our outbound contact, reached or not (once per message and outcome).
  if (message.channel) {
    await recordInteraction(db, workspaceId, {
      customerId: message.customer_id,
      channel: INTERACTION_CHANNEL[message.channel],
      direction: kind === 'reply' ? 'inbound' : 'outbound',
      startedAt: at.toISOString(),
      outcome: kind === 'reply' ? 'reply' : kind,
      note: kind === 'reply' ? (text ?? null) : (subject ?? null),
      source: 'messages',
      externalId: kind === 'reply' ? eventId : `${message.id}:${kind}`,
    });
  }
  return { messageId: message.id, customerId: message.customer_id, status, recorded: kind };
}
