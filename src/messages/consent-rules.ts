import type { ConsentChannel, ConsentPurpose } from '../customers/tables.js';
import type { MessageChannel, MessagePurpose } from './tables.js';

/** The consent purpose a message purpose needs. Gifts are about the customer's own account, so they go as service. */
export const CONSENT_PURPOSE: Record<MessagePurpose, ConsentPurpose> = {
  service: 'service',
  gift: 'service',
  survey: 'surveys',
  marketing: 'marketing',
};
/** Purposes that need consent granted; the others go unless it was withdrawn. They carry an unsubscribe link. */
export const OPT_IN: ReadonlySet<MessagePurpose> = new Set(['marketing', 'survey']);
/** Purposes the contact-frequency cap neither counts nor stops. */
export const CAP_EXEMPT: ReadonlySet<MessagePurpose> = new Set(['service']);

export const CONSENT_CHANNEL: Record<MessageChannel, ConsentChannel> = { email: 'email', sms: 'sms', letter: 'post', webhook: 'in_app' };
/** Preferred channels (as the profile names them) that a message can go by. */
export const FROM_PREFERENCE: Partial<Record<ConsentChannel, MessageChannel>> = {
  email: 'email',
  sms: 'sms',
  post: 'letter',
  in_app: 'webhook',
  push: 'webhook',
};
