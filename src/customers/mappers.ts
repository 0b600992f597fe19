import type { ConsentEventsTable, CustomerIdentitiesTable, CustomerMergesTable, CustomersTable, IdentityKind } from './tables.js';
import type { JsonObject } from '../db/columns.js';
import type { Selectable } from 'kysely';
import { toIso } from '../time.js';
import { formatClockTime } from './normalize.js';

// One mapper per entity: snake_case rows (from tables, or from json aggregates where
// timestamps arrive as text) to the camelCase objects of the API.

type Row<T> = {
  [K in keyof Selectable<T>]: Selectable<T>[K] extends Date
    ? Date | string
    : Selectable<T>[K] extends Date | null
      ? Date | string | null
      : Selectable<T>[K];
};

export type CustomerRowLike = Pick<
  Row<CustomersTable>,
  | 'id'
  | 'display_name'
  | 'traits'
  | 'preferred_channels'
  | 'language'
  | 'time_zone'
  | 'quiet_hours_start'
  | 'quiet_hours_end'
  | 'contact_cap_count'
  | 'contact_cap_days'
  | 'created_at'
  | 'updated_at'
>;

export interface Preferences {
  channels: string[];
  language: string | null;
  timeZone: string | null;
  quietHours: { start: string; end: string } | null;
  contactCap: { count: number; days: number } | null;
}

export interface Customer {
  id: string;
  displayName: string | null;
  traits: JsonObject;
  preferences: Preferences;
  createdAt: string;
  updatedAt: string;
}

export function toPreferences(row: CustomerRowLike): Preferences {
  return {
    channels: row.preferred_channels,
    language: row.language,
    timeZone: row.time_zone,
    quietHours:
      row.quiet_hours_start !== null && row.quiet_hours_end !== null
        ? { start: formatClockTime(row.quiet_hours_start), end: formatClockTime(row.quiet_hours_end) }
        : null,
    contactCap:
      row.contact_cap_count !== null && row.contact_cap_days !== null ? { count: row.contact_cap_count, days: row.contact_cap_days } : null,
  };
}

export function toCustomer(row: CustomerRowLike): Customer {
  return {
    id: row.id,
    displayName: row.display_name,
    traits: row.traits,
    preferences: toPreferences(row),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export interface Identity {
  kind: IdentityKind;
  system: string | null;
  value: string;
  source: string | null;
  createdAt: string;
}

export function toIdentity(row: Pick<Row<CustomerIdentitiesTable>, 'kind' | 'namespace' | 'value' | 'source' | 'created_at'>): Identity {
  return {
    kind: row.kind,
    system: row.namespace === '' ? null : row.namespace,
    value: row.value,
    source: row.source,
    createdAt: toIso(row.created_at),
  };
}

export interface Consent {
  id: string;
  purpose: string;
  channel: string;
  status: string;
  source: string;
  evidence: JsonObject | null;
  recordedAt: string;
  actorKind: string;
  actorId: string | null;
}

export function toConsent(row: Omit<Row<ConsentEventsTable>, 'workspace_id' | 'customer_id' | 'seq'>): Consent {
  return {
    id: row.id,
    purpose: row.purpose,
    channel: row.channel,
    status: row.status,
    source: row.source,
    evidence: row.evidence,
    recordedAt: toIso(row.recorded_at),
    actorKind: row.actor_kind,
    actorId: row.actor_id,
  };
}

export interface Merge {
  id: string;
  survivorId: string;
  mergedId: string;
  reason: string;
  identity: JsonObject | null;
  occurredAt: string;
}

export function toMerge(
  row: Pick<Row<CustomerMergesTable>, 'id' | 'survivor_id' | 'merged_id' | 'reason' | 'identity' | 'occurred_at'>,
): Merge {
  return {
    id: row.id,
    survivorId: row.survivor_id,
    mergedId: row.merged_id,
    reason: row.reason,
    identity: row.identity,
    occurredAt: toIso(row.occurred_at),
  };
}
