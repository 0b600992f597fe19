import type { ConsentChannel, ConsentPurpose, ConsentStatus } from '../customers/tables.js';
import type { JsonObject } from '../db/columns.js';
import { newId } from '../ids.js';
import { addRow } from './bulk-insert.js';
import { between, DAY, mobileNumber, YEAR, type ChunkTables, type SeedContext } from './chunk.js';
import { emailFor, pickCity, pickFirstName, surnameFor, type Gender, type Language } from './names.js';
import type { Random } from './random.js';

export type AcquisitionChannel = 'web' | 'store' | 'phone' | 'partner';

/** A generated customer, as the holdings and activity generators need to know them. */
export interface Person {
  id: string;
  number: number;
  displayName: string;
  language: Language;
  createdAt: number;
  acquisition: AcquisitionChannel;
  phone: string;
  child: boolean;
}

const CHANNEL_PREFERENCES: ReadonlyArray<readonly [readonly string[], number]> = [
  [['email', 'sms'], 30],
  [['sms', 'email'], 18],
  [['email'], 14],
  [['push', 'email'], 10],
  [['whatsapp', 'sms', 'email'], 7],
  [['phone', 'email'], 6],
  [['sms'], 5],
  [['email', 'post'], 4],
  [['post', 'phone'], 3],
  [[], 3],
];

const QUIET_HOURS: ReadonlyArray<readonly [number, number]> = [
  [21 * 60, 8 * 60],
  [22 * 60, 7 * 60],
  [20 * 60, 9 * 60],
  [22 * 60 + 30, 7 * 60 + 30],
  [13 * 60, 14 * 60],
];

const CONTACT_CAPS: ReadonlyArray<readonly [number, number]> = [
  [1, 7],
  [2, 7],
  [4, 30],
  [2, 30],
];

const SIGNUP_SOURCE: Record<AcquisitionChannel, string> = {
  web: 'web_signup',
  store: 'store',
  phone: 'call_centre',
  partner: 'partner_import',
};

function signupEvidence(random: Random, channel: AcquisitionChannel, number: number): JsonObject {
  switch (channel) {
    case 'web':
      return { form: 'checkout', page: '/join', ip: `203.0.113.${random.int(1, 254)}` };
    case 'store':
      return { storeId: `STR-${String(random.int(1, 140)).padStart(3, '0')}`, signedForm: `F-${number}` };
    case 'phone':
      return { callRecording: `CALL-${number}-${random.int(1000, 9999)}`, script: 'consent-v3' };
    case 'partner':
      return { partner: random.pick(['Currys', 'Carphone Warehouse', 'uSwitch']), batch: `P-${random.int(100, 999)}` };
  }
}

/** How a withdrawal was made, with what proves it. */
const WITHDRAWALS: Record<ConsentChannel, ReadonlyArray<readonly [string, JsonObject]>> = {
  email: [
    ['unsubscribe_link', { campaign: 'spring-offers' }],
    ['unsubscribe_link', { campaign: 'black-friday' }],
    ['preference_centre', { page: '/account/preferences' }],
  ],
  sms: [
    ['sms_stop', { keyword: 'STOP' }],
    ['preference_centre', { page: '/account/preferences' }],
  ],
  phone: [['call_centre', { note: 'asked not to be called' }]],
  post: [['letter', { reference: 'opt-out form' }]],
  push: [['app_settings', {}]],
  in_app: [['app_settings', {}]],
  whatsapp: [['whatsapp_stop', { keyword: 'STOP' }]],
};

/** Consent asked at sign-up: who says yes, and how many later take it back. */
const CONSENT_PLAN: ReadonlyArray<{ purpose: ConsentPurpose; channel: ConsentChannel; granted: number; withdrawn: number }> = [
  { purpose: 'service', channel: 'email', granted: 1, withdrawn: 0 },
  { purpose: 'service', channel: 'sms', granted: 0.85, withdrawn: 0 },
  { purpose: 'marketing', channel: 'email', granted: 0.55, withdrawn: 0.2 },
  { purpose: 'marketing', channel: 'sms', granted: 0.35, withdrawn: 0.25 },
  { purpose: 'surveys', channel: 'email', granted: 0.6, withdrawn: 0.1 },
  { purpose: 'surveys', channel: 'sms', granted: 0.25, withdrawn: 0.1 },
];

function addConsent(ctx: SeedContext, tables: ChunkTables, person: Person, number: number): void {
  const { random } = ctx;
  const source = SIGNUP_SOURCE[person.acquisition];
  const evidence = signupEvidence(random, person.acquisition, number);
  const record = (
    purpose: ConsentPurpose,
    channel: ConsentChannel,
    status: ConsentStatus,
    recordSource: string,
    proof: JsonObject,
    at: number,
  ): void => {
    addRow(tables.consent_events, {
      workspace_id: ctx.workspaceId,
      id: newId('cns'),
      customer_id: person.id,
      purpose,
      channel,
      status,
      source: recordSource,
      evidence: proof,
      recorded_at: at,
      actor_kind: 'system',
      actor_id: 'seed',
    });
  };
  for (const ask of CONSENT_PLAN) {
    if (!random.chance(ask.granted)) continue;
    record(ask.purpose, ask.channel, 'granted', source, evidence, person.createdAt);
    if (random.chance(ask.withdrawn)) {
      const [how, proof] = random.pick(WITHDRAWALS[ask.channel]);
      record(ask.purpose, ask.channel, 'withdrawn', how, proof, between(random, person.createdAt + 7 * DAY, ctx.reference - DAY));
    }
  }
}

/**
 * Adds one customer: the profile with preferences, its identities (email, phone, billing
 * account, sometimes a CRM id) and the consent history from sign-up on.
 */
export function addCustomer(
  ctx: SeedContext,
  tables: ChunkTables,
  spec: { language: Language; familyName: string; gender: Gender; createdAt: number; child: boolean },
): Person {
  const { random } = ctx;
  const number = ++ctx.sequence.customer;
  const firstName = pickFirstName(random, spec.language, spec.gender);
  const lastName = surnameFor(spec.familyName, spec.language, spec.gender);
  const referenceYear = new Date(ctx.reference).getUTCFullYear();
  const person: Person = {
    id: newId('cus'),
    number,
    displayName: `${firstName} ${lastName}`,
    language: spec.language,
    createdAt: spec.createdAt,
    acquisition: random.weighted<AcquisitionChannel>([
      ['web', 45],
      ['store', 25],
      ['phone', 20],
      ['partner', 10],
    ]),
    phone: mobileNumber(number),
    child: spec.child,
  };
  const quiet = random.chance(0.25) ? random.pick(QUIET_HOURS) : null;
  const cap = random.chance(0.15) ? random.pick(CONTACT_CAPS) : null;
  const created = person.createdAt;
  addRow(tables.customers, {
    workspace_id: ctx.workspaceId,
    id: person.id,
    display_name: person.displayName,
    traits: {
      firstName,
      lastName,
      city: pickCity(random, spec.language),
      birthYear: spec.child ? referenceYear - random.int(11, 17) : referenceYear - random.int(19, 84),
    },
    preferred_channels: random.weighted(CHANNEL_PREFERENCES),
    language: spec.language,
    time_zone: 'Europe/London',
    quiet_hours_start: quiet ? quiet[0] : null,
    quiet_hours_end: quiet ? quiet[1] : null,
    contact_cap_count: cap ? cap[0] : null,
    contact_cap_days: cap ? cap[1] : null,
    created_at: created,
    updated_at: between(random, person.createdAt, Math.min(ctx.reference - DAY, person.createdAt + 2 * YEAR)),
  });

  const identity = (kind: 'email' | 'phone' | 'external', namespace: string, value: string, source: string): void => {
    addRow(tables.customer_identities, {
      workspace_id: ctx.workspaceId,
      kind,
      namespace,
      value,
      customer_id: person.id,
      source,
      created_at: created,
    });
  };
  identity('email', '', emailFor(random, firstName, lastName, number), SIGNUP_SOURCE[person.acquisition]);
  identity('phone', '', person.phone, SIGNUP_SOURCE[person.acquisition]);
  identity('external', 'billing', `ACC-${String(number).padStart(7, '0')}`, 'billing');
  // The CRM only knows customers who have dealt with the contact centre or a store.
  if (person.acquisition !== 'web' || random.chance(0.2)) {
    identity('external', 'crm', `CRM-${(number * 7 + 100_000).toString(36).toUpperCase()}`, 'crm');
  }
  addConsent(ctx, tables, person, number);
  return person;
}
