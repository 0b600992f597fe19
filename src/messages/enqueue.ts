import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { listCurrentConsent } from '../customers/consent.js';
import { listIdentities } from '../customers/identities.js';
import { resolveCustomer } from '../customers/lookup.js';
import type { ConsentChannel, CustomerRow } from '../customers/tables.js';
import type { DB } from '../db/schema.js';
import type { MessageChannel, MessagePurpose } from './tables.js';
import { CAP_EXEMPT, CONSENT_CHANNEL, CONSENT_PURPOSE, FROM_PREFERENCE, OPT_IN } from './consent-rules.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { recordMessageEvent } from './events.js';
import { toMessage } from './mappers.js';
import { toNamedMessages } from './service.js';
import { buildContext, renderTemplate, TemplateFieldFailure, type TemplateContext } from './render.js';
import { nextSendTime } from './schedule.js';
import { maskData, maskText, sealPayload } from './withheld.js';
import type { Message, MessageInput } from './schemas.js';
import { getSettings } from './settings.js';
import { findTemplate, languageFallbacks } from './templates.js';

/** When a customer states no preference. */
const DEFAULT_ORDER: MessageChannel[] = ['email', 'sms', 'letter'];

export interface EnqueueOptions {
  now?: Date;
  /** Keys of `data` only the customer may read (a survey link): sent, but withheld from every staff view. */
  withhold?: readonly string[];
}

async function addresses(db: Kysely<DB>, customer: CustomerRow): Promise<Partial<Record<MessageChannel, string>>> {
  const identities = await listIdentities(db, customer.workspace_id, customer.id, ['email', 'phone']);
  const found: Partial<Record<MessageChannel, string>> = { webhook: customer.id };
  const email = identities.find((i) => i.kind === 'email');
  const phone = identities.find((i) => i.kind === 'phone');
  if (email) found.email = email.value;
  if (phone) found.sms = phone.value;
  // A postal address is a trait: one string with line breaks or a list of lines.
  const address = customer.traits.address;
  const lines = Array.isArray(address)
    ? address.filter((l): l is string => typeof l === 'string')
    : typeof address === 'string'
      ? address.split('\n')
      : [];
  if (lines.length) found.letter = [customer.display_name, ...lines].filter(Boolean).join('\n');
  return found;
}

type Choice = { channel: MessageChannel; recipient: string } | { channel: null; reason: string };

/** The first channel the customer prefers that has an address and the consent the purpose needs. */
async function chooseChannel(
  db: Kysely<DB>,
  customer: CustomerRow,
  purpose: MessagePurpose,
  requested: MessageChannel | undefined,
): Promise<Choice> {
  const preferred = customer.preferred_channels.map((c) => FROM_PREFERENCE[c as ConsentChannel]).filter((c): c is MessageChannel => !!c);
  const candidates = requested ? [requested] : [...new Set(preferred.length ? preferred : DEFAULT_ORDER)];
  const [found, consent] = await Promise.all([addresses(db, customer), listCurrentConsent(db, customer.workspace_id, customer.id)]);
  let reason = 'no_address';
  for (const channel of candidates) {
    const recipient = found[channel];
    if (!recipient) continue;
    const status = consent.find((c) => c.purpose === CONSENT_PURPOSE[purpose] && c.channel === CONSENT_CHANNEL[channel])?.status;
    const allowed = OPT_IN.has(purpose) ? status === 'granted' : status !== 'withdrawn';
    if (allowed) return { channel, recipient };
    reason = `no_${CONSENT_PURPOSE[purpose]}_consent`;
  }
  return { channel: null, reason };
}

/** Whether the customer has reached their contact cap (their own, or the workspace's). */
async function capReached(db: Kysely<DB>, customer: CustomerRow, cap: { count: number; days: number }, now: Date): Promise<boolean> {
  const count = customer.contact_cap_count ?? cap.count;
  const days = customer.contact_cap_days ?? cap.days;
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', customer.workspace_id)
    .where('customer_id', '=', customer.id)
    .where('purpose', '!=', 'service')
    .where('status', 'in', ['queued', 'sending', 'sent', 'delivered'])
    .where('created_at', '>', new Date(now.getTime() - days * 86_400_000))
    .executeTakeFirstOrThrow();
  return Number(row.n) >= count;
}

/** The rendered subject and body, or the sandbox rule or limit the template broke. */
function renderOrFail(
  template: { subject: string; body: string },
  context: TemplateContext,
): { subject: string | null; body: string | null; failure: TemplateFieldFailure | null } {
  try {
    return { ...renderTemplate(template, context), failure: null };
  } catch (error) {
    if (error instanceof TemplateFieldFailure) return { subject: null, body: null, failure: error };
    throw error;
  }
}

/** Whether the template shows a withheld value other than exactly as it is. */
function altersWithheld(
  template: { subject: string; body: string },
  context: TemplateContext,
  rendered: { subject: string; body: string },
  keys: readonly string[],
): boolean {
  let masked: { subject: string; body: string };
  try {
    masked = renderTemplate(template, { ...context, data: maskData(context.data, keys) });
  } catch {
    return true;
  }
  return masked.subject !== maskText(rendered.subject, context.data, keys) || masked.body !== maskText(rendered.body, context.data, keys);
}

/**
 * Puts a message in the outbox, in whatever transaction `db` is: call it inside the
 * transaction that makes the business change, so both commit or neither does. The
 * channel, consent, contact cap and quiet hours are decided here; a message that may not
 * go is stored as `suppressed` with the reason. Sending the same idempotency key again
 * returns the first message.
 */
export async function enqueueMessage(
  db: Kysely<DB>,
  workspaceId: string,
  input: MessageInput,
  options: EnqueueOptions = {},
): Promise<Message> {
  const now = options.now ?? new Date();
  const idempotencyKey = input.idempotencyKey ?? newId('msg', now.getTime());
  const replay = async () =>
    db
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
  if (input.idempotencyKey) {
    const existing = await replay();
    if (existing) return (await toNamedMessages(db, workspaceId, [existing]))[0] as Message;
  }
  const customer = await resolveCustomer(db, workspaceId, input.customerId);
  // Two messages for one customer queued at once must not both slip under the cap:
  // they take turns on a lock held until the surrounding transaction ends.
  await sql`select pg_advisory_xact_lock(hashtext(${`messages:${workspaceId}:${customer.id}`}))`.execute(db);

  const settings = await getSettings(db, workspaceId);
  const template = await findTemplate(db, workspaceId, input.templateKey, languageFallbacks(customer.language, settings.defaultLanguage));
  const context = await buildContext(db, customer, { language: template.language, data: input.data ?? {} });
  const withhold = options.withhold ?? [];
  let rendered = renderOrFail(template, context);
  // A template that breaks a sandbox rule or reaches a limit is no reason to refuse the
  // caller's change (a gift, an invitation): the message is kept as failed with the reason.
  const failure = rendered.failure;
  // Staff are shown the message with the withheld values cut out, which is only exact when
  // the template prints them as they are. One that cuts, encodes or measures them would show
  // staff a usable copy: such a message is not sent, and keeps only the masked text.
  const altered =
    rendered.subject !== null &&
    rendered.body !== null &&
    withhold.length > 0 &&
    altersWithheld(template, context, { subject: rendered.subject, body: rendered.body }, withhold);
  if (altered) rendered = renderOrFail(template, { ...context, data: maskData(context.data, withhold) });

  const choice: Choice = failure
    ? { channel: null, reason: failure.reason }
    : await chooseChannel(db, customer, input.purpose, input.channel);
  let reason = failure ? failure.reason : altered ? 'template_alters_withheld' : choice.channel === null ? choice.reason : null;
  if (
    !reason &&
    !CAP_EXEMPT.has(input.purpose) &&
    (await capReached(db, customer, { count: settings.capCount, days: settings.capDays }, now))
  ) {
    reason = 'contact_cap';
  }
  const notBefore = input.notBefore ? new Date(input.notBefore) : now;
  const sendAt = nextSendTime(notBefore > now ? notBefore : now, {
    start: customer.quiet_hours_start,
    end: customer.quiet_hours_end,
    timeZone: customer.time_zone,
  });
  const id = input.idempotencyKey ? newId('msg', now.getTime()) : idempotencyKey;
  const row = await db
    .insertInto('messages')
    .values({
      workspace_id: workspaceId,
      id,
      customer_id: customer.id,
      purpose: input.purpose,
      template_key: input.templateKey,
      language: template.language,
      channel: choice.channel,
      recipient: choice.channel ? choice.recipient : null,
      subject: rendered.subject,
      body: rendered.body,
      payload: JSON.stringify(sealPayload(input.data ?? {}, withhold)),
      status: failure ? 'failed' : reason ? 'suppressed' : 'queued',
      reason,
      last_error: failure?.message ?? null,
      next_attempt_at: sendAt,
      idempotency_key: idempotencyKey,
      unsubscribe_token: OPT_IN.has(input.purpose) && !reason ? randomBytes(24).toString('base64url') : null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row && failure) {
    await recordMessageEvent(db, row, 'failed', { error: failure.message }, now);
  }
  // Lost a race with the same key: the other insert's message is the one.
  const stored = row ?? (await replay());
  if (!stored) throw new AppError('conflict', 'The message collided with another one with the same idempotency key; retry it');
  // Lost the race to another customer's message with this key: its own customer's name.
  if (stored.customer_id !== customer.id) return (await toNamedMessages(db, workspaceId, [stored]))[0] as Message;
  return toMessage(stored, customer.display_name);
}
