import { sql, type Kysely, type Updateable } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { CustomersTable } from './tables.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { collectIssue, invalid, throwIssues, type FieldIssue } from '../errors.js';
import { newId } from '../ids.js';
import { recordAudit } from '../workspaces/audit.js';
import { recordConsent } from './consent.js';
import { attachIdentity, findIdentityOwner, normalizeIdentity, workspaceCountry, type IdentityKey } from './identities.js';
import { requireCustomer } from './lookup.js';
import { toCustomer, type Customer } from './mappers.js';
import { mergeCustomers, type MergeResult } from './merge.js';
import { normalizeLanguage, normalizeTimeZone, parseClockTime } from './normalize.js';
import type { CreateCustomerBody, PreferencesInput, UpdateCustomerBody } from './schemas.js';
import { patchTraits } from './traits.js';

/** Preferences from the API to columns; only the fields given are changed. */
export function preferenceColumns(input: PreferencesInput, path = '/preferences'): Updateable<CustomersTable> {
  const issues: FieldIssue[] = [];
  const columns: Updateable<CustomersTable> = {};
  if (input.channels !== undefined) columns.preferred_channels = input.channels;
  const { language, timeZone } = input;
  if (language !== undefined)
    columns.language = language === null ? null : collectIssue(issues, () => normalizeLanguage(language, `${path}/language`));
  if (timeZone !== undefined)
    columns.time_zone = timeZone === null ? null : collectIssue(issues, () => normalizeTimeZone(timeZone, `${path}/timeZone`));
  if (input.quietHours !== undefined) {
    if (input.quietHours === null) {
      columns.quiet_hours_start = null;
      columns.quiet_hours_end = null;
    } else {
      const start = parseClockTime(input.quietHours.start, `${path}/quietHours/start`);
      const end = parseClockTime(input.quietHours.end, `${path}/quietHours/end`);
      if (start === end) throw invalid(`${path}/quietHours/end`, 'must differ from the start');
      columns.quiet_hours_start = start;
      columns.quiet_hours_end = end;
    }
  }
  if (input.contactCap !== undefined) {
    columns.contact_cap_count = input.contactCap?.count ?? null;
    columns.contact_cap_days = input.contactCap?.days ?? null;
  }
  throwIssues(issues);
  return columns;
}

export interface IdentifyResult {
  customer: Customer;
  /** True when a new profile was created, false when the identities led to an existing one. */
  created: boolean;
  merges: MergeResult[];
}

/**
 * Creates a profile, or, when any identity given is already known, updates the profile
 * it belongs to (merging the profiles of all known identities into one).
 */
export async function identifyCustomer(db: Kysely<DB>, actor: Actor, input: CreateCustomerBody): Promise<IdentifyResult> {
  const workspaceId = actor.workspaceId;
  const country = await workspaceCountry(db, workspaceId);
  const issues: FieldIssue[] = [];
  const keys = (input.identities ?? [])
    .map((identity, i) => collectIssue(issues, () => normalizeIdentity(identity, `/identities/${i}`, country)))
    .filter((key): key is IdentityKey => key !== undefined);
  const preferences = (input.preferences ? collectIssue(issues, () => preferenceColumns(input.preferences as PreferencesInput)) : {}) ?? {};
  throwIssues(issues);

  const owners: string[] = [];
  for (const key of keys) {
    const owner = await findIdentityOwner(db, workspaceId, key);
    if (owner && !owners.includes(owner)) owners.push(owner);
  }
  const merges: MergeResult[] = [];
  let customerId: string;
  const created = owners.length === 0;
  const createdId = created ? newId('cus') : undefined;
  if (createdId) {
    customerId = createdId;
    await db
      .insertInto('customers')
      .values({
        workspace_id: workspaceId,
        id: customerId,
        display_name: input.displayName ?? null,
        traits: JSON.stringify(input.traits ?? {}),
        ...preferences,
      })
      .execute();
    await recordAudit(db, actor, {
      action: 'customer.created',
      entityType: 'customer',
      entityId: customerId,
      changes: { displayName: input.displayName ?? null },
    });
  } else {
    customerId = owners[0] as string;
    for (const other of owners.slice(1)) {
      const merge = await mergeCustomers(db, actor, { customerId, otherId: other, reason: 'identity' });
      merges.push(merge);
      customerId = merge.survivorId;
    }
    await db
      .updateTable('customers')
      .set({
        ...(input.displayName ? { display_name: input.displayName } : {}),
        ...(input.traits ? { traits: patchTraits(input.traits) } : {}),
        ...preferences,
        updated_at: new Date(),
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', customerId)
      .execute();
    const changed = { displayName: input.displayName, traits: input.traits, preferences: input.preferences };
    if (Object.values(changed).some((value) => value !== undefined)) {
      await recordAudit(db, actor, {
        action: 'customer.updated',
        entityType: 'customer',
        entityId: customerId,
        changes: JSON.parse(JSON.stringify(changed)) as JsonObject,
      });
    }
  }
  for (let i = 0; i < keys.length; i++) {
    const result = await attachIdentity(db, actor, customerId, keys[i] as IdentityKey, input.identities?.[i]?.source ?? null);
    if (result.merge) merges.push(result.merge);
    customerId = result.customerId;
  }
  for (const consent of input.consent ?? []) await recordConsent(db, actor, customerId, consent);
  // A profile created here can still have merged into an older one when a concurrent
  // request registered one of the identities first; then the answer is that older profile.
  return {
    customer: toCustomer(await requireCustomer(db, workspaceId, customerId)),
    created: createdId !== undefined && customerId === createdId,
    merges,
  };
}

/**
 * The common identify of a known profile: merges the traits (none removed) and the name into
 * it in one UPDATE that writes only when a value differs, with an audit entry only then.
 */
export async function updateKnownProfile(
  db: Kysely<DB>,
  actor: Actor,
  customerId: string,
  input: { traits: JsonObject; displayName: string | null },
): Promise<void> {
  const traits = patchTraits(input.traits);
  const name = input.displayName;
  const changed = await sql`
    update customers set traits = ${traits}, display_name = coalesce(${name}::text, display_name), updated_at = now()
    where workspace_id = ${actor.workspaceId} and id = ${customerId}
      and (${traits} is distinct from traits or (${name}::text is not null and display_name is distinct from ${name}::text))
    returning id`.execute(db);
  if (changed.rows.length) {
    await recordAudit(db, actor, {
      action: 'customer.updated',
      entityType: 'customer',
      entityId: customerId,
      changes: { traits: input.traits, ...(name ? { displayName: name } : {}) },
    });
  }
}

export async function updateCustomer(db: Kysely<DB>, actor: Actor, customerId: string, input: UpdateCustomerBody): Promise<Customer> {
  await requireCustomer(db, actor.workspaceId, customerId);
  const changes: Updateable<CustomersTable> = input.preferences ? preferenceColumns(input.preferences) : {};
  if (input.displayName !== undefined) changes.display_name = input.displayName;
  const row = await db
    .updateTable('customers')
    .set({ ...changes, ...(input.traits ? { traits: patchTraits(input.traits) } : {}), updated_at: new Date() })
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', customerId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: 'customer.updated',
    entityType: 'customer',
    entityId: customerId,
    changes: JSON.parse(JSON.stringify(input)) as JsonObject,
  });
  return toCustomer(row);
}
