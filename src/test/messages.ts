import type { Kysely } from 'kysely';
import { systemActor } from '../auth/actor.js';
import { recordConsent } from '../customers/consent.js';
import type { ConsentChannel, ConsentPurpose } from '../customers/tables.js';
import type { DB } from '../db/schema.js';
import type { MessagePurpose } from '../messages/tables.js';
import { newId } from '../ids.js';
import { createTemplate } from '../messages/templates.js';

export interface MessageCustomer {
  displayName?: string;
  firstName?: string;
  email?: string;
  phone?: string;
  address?: string[];
  preferred?: ConsentChannel[];
  language?: string;
  timeZone?: string;
  quietHours?: [number, number];
  cap?: [number, number];
  consent?: Array<[ConsentPurpose, ConsentChannel, 'granted' | 'withdrawn']>;
}

/** A customer with identities, preferences and consent written straight into the tables. */
export async function insertMessageCustomer(db: Kysely<DB>, workspaceId: string, spec: MessageCustomer = {}): Promise<string> {
  const id = newId('cus');
  const displayName = spec.displayName ?? 'Ada Lovelace';
  await db
    .insertInto('customers')
    .values({
      workspace_id: workspaceId,
      id,
      display_name: displayName,
      traits: JSON.stringify({
        firstName: spec.firstName ?? displayName.split(' ')[0],
        ...(spec.address ? { address: spec.address } : {}),
      }),
      preferred_channels: spec.preferred ?? [],
      language: spec.language ?? 'en-GB',
      time_zone: spec.timeZone ?? 'Europe/London',
      quiet_hours_start: spec.quietHours?.[0] ?? null,
      quiet_hours_end: spec.quietHours?.[1] ?? null,
      contact_cap_count: spec.cap?.[0] ?? null,
      contact_cap_days: spec.cap?.[1] ?? null,
    })
    .execute();
  const identities = [
    ...(spec.email ? [{ kind: 'email' as const, value: spec.email }] : []),
    ...(spec.phone ? [{ kind: 'phone' as const, value: spec.phone }] : []),
  ];
  if (identities.length) {
    await db
      .insertInto('customer_identities')
      .values(identities.map((i) => ({ workspace_id: workspaceId, customer_id: id, ...i })))
      .execute();
  }
  const actor = systemActor(workspaceId, 'test');
  for (const [purpose, channel, status] of spec.consent ?? []) {
    await recordConsent(db, actor, id, { purpose, channel, status, source: 'test' });
  }
  return id;
}

/** A template in English with the given body. */
export async function insertTemplate(
  db: Kysely<DB>,
  workspaceId: string,
  key: string,
  purpose: MessagePurpose,
  body = 'Hi {{ customer.first_name }}',
) {
  return createTemplate(db, workspaceId, { key, purpose, language: 'en', subject: `About your account, {{ customer.first_name }}`, body });
}
