import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import type { HouseholdKind, IdentityKind } from '../customers/tables.js';
import type { IngestEventsTable } from './tables.js';
import type { JsonObject } from '../db/columns.js';
import { addGroupHousehold, joinHousehold, renameGroupHousehold } from '../customers/households.js';
import { findIdentityOwner, workspaceCountry } from '../customers/identities.js';
import { resolveCustomer } from '../customers/lookup.js';
import { normalizeEmail, normalizePhone } from '../customers/normalize.js';
import type { IdentityInput } from '../customers/schemas.js';
import { identifyCustomer } from '../customers/service.js';
import { newId } from '../ids.js';
import { identifyKnownCustomer } from './identify-known.js';
import { trackHandlersFor } from './track-handlers.js';

export type IngestRow = Selectable<IngestEventsTable>;

const HOUSEHOLD_KINDS: readonly HouseholdKind[] = ['household', 'family_plan', 'business_account'];

function stringTrait(traits: JsonObject, key: string): string | undefined {
  const value = traits[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The identities an event names: its user and anonymous ids, and an email or phone in its traits when they are valid. */
async function identitiesOf(db: Kysely<DB>, row: IngestRow, traits: JsonObject): Promise<IdentityInput[]> {
  const identities: IdentityInput[] = [];
  const source = `ingest:${row.source}`;
  if (row.user_id) identities.push({ kind: 'user_id', value: row.user_id, source });
  if (row.anonymous_id) identities.push({ kind: 'anonymous_id', value: row.anonymous_id, source });
  const email = stringTrait(traits, 'email');
  const phone = stringTrait(traits, 'phone');
  // An email or phone that does not normalise stays a trait only; it must not sink the whole identify.
  if (email && attempt(() => normalizeEmail(email, '/traits/email'))) identities.push({ kind: 'email', value: email, source });
  if (phone) {
    const country = await workspaceCountry(db, row.workspace_id);
    if (attempt(() => normalizePhone(phone, '/traits/phone', country))) identities.push({ kind: 'phone', value: phone, source });
  }
  return identities;
}

function attempt(step: () => unknown): boolean {
  try {
    step();
    return true;
  } catch {
    return false;
  }
}

function displayNameOf(traits: JsonObject): string | undefined {
  const name = stringTrait(traits, 'name') ?? [stringTrait(traits, 'firstName'), stringTrait(traits, 'lastName')].filter(Boolean).join(' ');
  return name ? name.slice(0, 200) : undefined;
}

/** The profile an event is about: the one its ids already lead to, else a new one (merging when they lead to two). */
async function profileOf(db: Kysely<DB>, actor: Actor, identities: IdentityInput[]): Promise<string> {
  const owners = new Set<string>();
  for (const identity of identities) {
    const owner = await findIdentityOwner(db, actor.workspaceId, { kind: identity.kind, namespace: '', value: identity.value });
    owners.add(owner ? (await resolveCustomer(db, actor.workspaceId, owner)).id : '');
  }
  const [only] = owners;
  if (owners.size === 1 && only) return only;
  return (await identifyCustomer(db, actor, { identities })).customer.id;
}

async function applyIdentify(db: Kysely<DB>, actor: Actor, row: IngestRow): Promise<string> {
  const traits = row.traits ?? {};
  const identities = await identitiesOf(db, row, traits);
  const displayName = displayNameOf(traits);
  const known = await identifyKnownCustomer(db, actor, { identities, traits, displayName });
  if (known) return known;
  const result = await identifyCustomer(db, actor, {
    identities,
    ...(Object.keys(traits).length ? { traits } : {}),
    ...(displayName ? { displayName } : {}),
  });
  return result.customer.id;
}

async function applyTimelineEvent(db: Kysely<DB>, actor: Actor, row: IngestRow): Promise<string> {
  const customerId = await profileOf(db, actor, await identitiesOf(db, row, {}));
  const properties = row.properties ?? {};
  const context = row.context ?? {};
  await db
    .insertInto('customer_events')
    .values({
      workspace_id: row.workspace_id,
      id: newId('evt', row.occurred_at.getTime()),
      customer_id: customerId,
      type: row.type,
      name: row.name,
      properties: JSON.stringify(properties),
      context: JSON.stringify(context),
      occurred_at: row.occurred_at,
      received_at: row.received_at,
      source: row.source,
      message_id: row.message_id,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'message_id']).where('message_id', 'is not', null).doNothing())
    .execute();
  if (row.type === 'track' && row.name) {
    for (const handler of trackHandlersFor(row.name)) {
      await handler(db, actor, customerId, {
        messageId: row.message_id,
        name: row.name,
        properties,
        context,
        occurredAt: row.occurred_at,
        receivedAt: row.received_at,
        source: row.source,
      });
    }
  }
  return customerId;
}

/** `alias`: the previous id (an anonymous visitor, or an older user id) is the same person as the user id. */
async function applyAlias(db: Kysely<DB>, actor: Actor, row: IngestRow): Promise<string> {
  const previous = row.previous_id as string;
  // Not seen yet: an anonymous visitor, except from PostHog, whose distinct ids are all read as user ids.
  let previousKind: IdentityKind = row.source === 'posthog' ? 'user_id' : 'anonymous_id';
  for (const kind of ['anonymous_id', 'user_id'] as const) {
    if (await findIdentityOwner(db, actor.workspaceId, { kind, namespace: '', value: previous })) {
      previousKind = kind;
      break;
    }
  }
  const source = `ingest:${row.source}`;
  const result = await identifyCustomer(db, actor, {
    identities: [
      { kind: 'user_id', value: row.user_id as string, source },
      { kind: previousKind, value: previous, source },
    ],
  });
  return result.customer.id;
}

/** `group`: the group id is an account or household; the customer becomes a member of it. */
async function applyGroup(db: Kysely<DB>, actor: Actor, row: IngestRow): Promise<string | null> {
  const traits = row.traits ?? {};
  const groupId = row.group_id as string;
  const name = (stringTrait(traits, 'name') ?? groupId).slice(0, 200);
  const kindTrait = stringTrait(traits, 'kind');
  const kind = HOUSEHOLD_KINDS.find((k) => k === kindTrait) ?? 'business_account';
  const known = await db
    .selectFrom('ingest_groups')
    .select('household_id')
    .where('workspace_id', '=', actor.workspaceId)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  let householdId = known?.household_id;
  if (!householdId) {
    householdId = await addGroupHousehold(db, actor.workspaceId, { name, kind });
    await db
      .insertInto('ingest_groups')
      .values({ workspace_id: actor.workspaceId, group_id: groupId, household_id: householdId })
      .execute();
  } else if (stringTrait(traits, 'name')) {
    await renameGroupHousehold(db, actor.workspaceId, householdId, name);
  }
  if (!row.user_id && !row.anonymous_id) return null;
  const customerId = await profileOf(db, actor, await identitiesOf(db, row, {}));
  // A role set by someone else (owner, payer) is kept: a group call only says they belong.
  await joinHousehold(db, actor, householdId, customerId);
  return customerId;
}

/** Applies one accepted event to profiles, households and timelines. Returns the customer it landed on. */
export async function applyEvent(db: Kysely<DB>, actor: Actor, row: IngestRow): Promise<string | null> {
  switch (row.type) {
    case 'identify':
      return applyIdentify(db, actor, row);
    case 'track':
    case 'page':
    case 'screen':
      return applyTimelineEvent(db, actor, row);
    case 'alias':
      return applyAlias(db, actor, row);
    case 'group':
      return applyGroup(db, actor, row);
  }
}
