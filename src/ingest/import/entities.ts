import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor.js';
import type { DB } from '../../db/schema.js';
import type { HoldingStatus, TransactionKind } from '../../holdings/tables.js';
import type { IdentityKind } from '../../customers/tables.js';
import type { JsonObject } from '../../db/columns.js';
import { invalid } from '../../errors.js';
import { attachIdentity, findIdentityOwner, type IdentityKey } from '../../customers/identities.js';
import { resolveCustomer } from '../../customers/lookup.js';
import type { IdentityInput } from '../../customers/schemas.js';
import { identifyCustomer } from '../../customers/service.js';
import { findPlanIdByCode, findProductIdByCode } from '../../catalog/service.js';
import { createHolding, findHoldingIdByExternalRef } from '../../holdings/service.js';
import { recordTransaction } from '../../holdings/transactions.js';
import { recordUsage, usagePeriodStored } from '../../holdings/usage.js';
import {
  identityFromColumn,
  jsonObject,
  locateCustomer,
  optionalInteger,
  optionalText,
  optionalTime,
  requiredDate,
  requiredInteger,
  requiredText,
  requiredTime,
  type ImportRow,
} from './fields.js';

export type ImportType = 'customers' | 'identities' | 'holdings' | 'usage' | 'transactions';
export const IMPORT_TYPES: readonly ImportType[] = ['customers', 'identities', 'holdings', 'usage', 'transactions'];
export type RowOutcome = 'created' | 'updated' | 'unchanged';

/** Imports one row; throws a validation error naming the field when the row is refused. */
export type RowImporter = (db: Kysely<DB>, actor: Actor, country: string, row: ImportRow) => Promise<RowOutcome>;

function oneOf<T extends string>(row: ImportRow, field: string, allowed: readonly T[], fallback?: T): T {
  const value = optionalText(row, field, 40) ?? fallback;
  if (value === undefined) throw invalid(`/${field}`, 'is required');
  if (!allowed.includes(value as T)) throw invalid(`/${field}`, `must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

const CUSTOMER_COLUMNS = new Set(['name', 'email', 'phone', 'user_id', 'external_system', 'external_id', 'traits']);

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** customers: name, email, phone, user_id, external_system + external_id, traits (JSON); other columns become traits. */
const importCustomer: RowImporter = async (db, actor, country, row) => {
  const identities: IdentityInput[] = [];
  for (const kind of ['email', 'phone', 'user_id'] as const) {
    const value = optionalText(row, kind, 320);
    if (value) identities.push({ kind, value, source: 'import' });
  }
  const externalId = optionalText(row, 'external_id', 320);
  if (externalId)
    identities.push({ kind: 'external', value: externalId, system: requiredText(row, 'external_system', 64), source: 'import' });
  if (identities.length === 0) {
    throw invalid('/email', 'a customer needs an identity to be found again: email, phone, user_id or external_system + external_id');
  }
  const traits: JsonObject = { ...jsonObject(row, 'traits') };
  for (const [key, value] of Object.entries(row)) {
    if (!CUSTOMER_COLUMNS.has(key) && value !== '' && value !== null) traits[key] = value;
  }
  const displayName = optionalText(row, 'name', 200);

  // Unchanged when every identity already leads to one profile that already says all of this.
  const keys: IdentityKey[] = identities.map((identity) =>
    identityFromColumn(identity, identity.kind === 'external' ? 'external_id' : identity.kind, country),
  );
  const owners = new Set(await Promise.all(keys.map((key) => findIdentityOwner(db, actor.workspaceId, key))));
  const [owner] = owners;
  if (owners.size === 1 && owner) {
    const current = await resolveCustomer(db, actor.workspaceId, owner);
    const traitsSame = Object.entries(traits).every(([key, value]) => sameJson(current.traits[key], value));
    if (current.id === owner && traitsSame && (!displayName || displayName === current.display_name)) return 'unchanged';
  }
  const result = await identifyCustomer(db, actor, {
    identities,
    ...(displayName ? { displayName } : {}),
    ...(Object.keys(traits).length ? { traits } : {}),
  });
  return result.created ? 'created' : 'updated';
};

/** identities: the customer (customer_id or one of their identities), then kind, value and system of the one to add. */
const importIdentity: RowImporter = async (db, actor, country, row) => {
  const customerId = await locateCustomer(db, actor.workspaceId, country, row);
  const kind = oneOf<IdentityKind>(row, 'kind', ['email', 'phone', 'user_id', 'anonymous_id', 'external']);
  const system = optionalText(row, 'system', 64);
  const key = identityFromColumn({ kind, value: requiredText(row, 'value', 320), ...(system ? { system } : {}) }, 'value', country);
  const owner = await findIdentityOwner(db, actor.workspaceId, key);
  if (owner && (await resolveCustomer(db, actor.workspaceId, owner)).id === customerId) return 'unchanged';
  await attachIdentity(db, actor, customerId, key, 'import');
  return 'updated';
};

async function holdingByRef(db: Kysely<DB>, workspaceId: string, ref: string, field: string) {
  const id = await findHoldingIdByExternalRef(db, workspaceId, ref);
  if (!id) throw invalid(`/${field}`, `no holding has external_ref ${ref}`);
  return id;
}

/** holdings: the customer, product (code), plan (code), status, started_at, ended_at, price_minor + currency, acquisition_channel, external_ref. */
const importHolding: RowImporter = async (db, actor, country, row) => {
  const externalRef = requiredText(row, 'external_ref', 200);
  if (await findHoldingIdByExternalRef(db, actor.workspaceId, externalRef)) return 'unchanged';
  const customerId = await locateCustomer(db, actor.workspaceId, country, row);
  const productCode = requiredText(row, 'product', 100);
  const productId = await findProductIdByCode(db, actor.workspaceId, productCode);
  if (!productId) throw invalid('/product', `no product has code ${productCode}`);
  const planCode = optionalText(row, 'plan', 100);
  const planId = planCode ? await findPlanIdByCode(db, actor.workspaceId, planCode) : undefined;
  if (planCode && !planId) throw invalid('/plan', `no plan has code ${planCode}`);
  const priceMinor = optionalInteger(row, 'price_minor');
  const endedAt = optionalTime(row, 'ended_at');
  const channel = optionalText(row, 'acquisition_channel', 100);
  await createHolding(db, actor, {
    customerId,
    productId,
    ...(planId ? { planId } : {}),
    status: oneOf<HoldingStatus>(row, 'status', ['pending', 'active', 'suspended', 'cancelled'], 'active'),
    startedAt: requiredTime(row, 'started_at'),
    ...(endedAt ? { endedAt } : {}),
    ...(priceMinor !== undefined ? { price: { amountMinor: priceMinor, currency: requiredText(row, 'currency', 3) } } : {}),
    ...(channel ? { acquisitionChannel: channel } : {}),
    externalRef,
  });
  return 'created';
};

/** usage: holding_ref (the holding's external_ref), period_start, period_end, data_mb, minutes, texts. */
const importUsage: RowImporter = async (db, actor, _country, row) => {
  const holdingId = await holdingByRef(db, actor.workspaceId, requiredText(row, 'holding_ref', 200), 'holding_ref');
  const periodStart = requiredDate(row, 'period_start');
  const existed = await usagePeriodStored(db, actor.workspaceId, holdingId, periodStart);
  const result = await recordUsage(db, actor, holdingId, [
    {
      periodStart,
      periodEnd: requiredDate(row, 'period_end'),
      dataMb: optionalInteger(row, 'data_mb') ?? 0,
      minutes: optionalInteger(row, 'minutes') ?? 0,
      texts: optionalInteger(row, 'texts') ?? 0,
    },
  ]);
  return result.changed === 0 ? 'unchanged' : existed ? 'updated' : 'created';
};

/** transactions: the customer, holding_ref, kind, amount_minor + currency, occurred_at, description, source + external_id (required, so a re-import is recognised). */
const importTransaction: RowImporter = async (db, actor, country, row) => {
  const source = requiredText(row, 'source', 100);
  const externalId = requiredText(row, 'external_id', 200);
  const customerId = await locateCustomer(db, actor.workspaceId, country, row);
  const holdingRef = optionalText(row, 'holding_ref', 200);
  const description = optionalText(row, 'description', 500);
  const result = await recordTransaction(db, actor, {
    customerId,
    ...(holdingRef ? { holdingId: await holdingByRef(db, actor.workspaceId, holdingRef, 'holding_ref') } : {}),
    kind: oneOf<TransactionKind>(row, 'kind', ['purchase', 'charge', 'payment', 'refund', 'fee', 'credit']),
    amount: { amountMinor: requiredInteger(row, 'amount_minor'), currency: requiredText(row, 'currency', 3) },
    ...(description ? { description } : {}),
    occurredAt: requiredTime(row, 'occurred_at'),
    source,
    externalId,
  });
  return result.created ? 'created' : 'unchanged';
};

export const IMPORTERS: Record<ImportType, RowImporter> = {
  customers: importCustomer,
  identities: importIdentity,
  holdings: importHolding,
  usage: importUsage,
  transactions: importTransaction,
};
