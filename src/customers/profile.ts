import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { planQuery } from '../catalog/customer-data.js';
import { toPlan, type Plan } from '../catalog/mappers.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { compileTemplate } from '../db/query-template.js';
import type { DB } from '../db/schema.js';
import type { EventType } from '../ingest/tables.js';
import { heldOrPaidForQuery, latestUsageQuery, recentTransactionsQuery } from '../holdings/customer-data.js';
import type { HoldingStatus, TransactionKind } from '../holdings/tables.js';
import { recentEventsQuery } from '../ingest/customer-data.js';
import type { HouseholdKind, HouseholdRole } from './tables.js';
import type { JsonObject } from '../db/columns.js';
import type { ProductKind } from '../catalog/tables.js';
import { notFound } from '../errors.js';
import { toIso, toIsoOrNull } from '../time.js';
import { MergedCustomerError } from './lookup.js';
import { toConsent, toCustomer, toIdentity, type Consent, type Customer, type Identity } from './mappers.js';

export const RECENT_LIMIT = 10;

export interface HoldingView {
  id: string;
  /** holder: the customer holds it; payer: the customer pays for someone else's. */
  relationship: 'holder' | 'payer';
  holder: { customerId: string; displayName: string | null };
  payer: { customerId: string; displayName: string | null } | null;
  householdId: string | null;
  productLine: { id: string; code: string; name: string };
  product: { id: string; code: string; name: string; kind: ProductKind };
  plan: Plan | null;
  status: HoldingStatus;
  startedAt: string;
  endedAt: string | null;
  tenureMonths: number;
  price: { amountMinor: number; currency: string };
  acquisitionChannel: string | null;
  externalRef: string | null;
  latestUsage: { periodStart: string; periodEnd: string; dataMb: number; minutes: number; texts: number } | null;
}

export interface Customer360 {
  customer: Customer;
  identities: Identity[];
  households: Array<{
    id: string;
    name: string;
    kind: HouseholdKind;
    role: HouseholdRole;
    members: Array<{ customerId: string; displayName: string | null; role: HouseholdRole }>;
  }>;
  consent: Consent[];
  holdings: HoldingView[];
  recentTransactions: Array<{
    id: string;
    kind: TransactionKind;
    amount: { amountMinor: number; currency: string };
    description: string | null;
    holdingId: string | null;
    occurredAt: string;
  }>;
  recentEvents: Array<{
    id: string;
    type: EventType;
    name: string | null;
    properties: JsonObject;
    occurredAt: string;
    source: string | null;
  }>;
  mergedFrom: string[];
}

function monthsBetween(from: Date, to: Date): number {
  const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  return Math.max(0, to.getUTCDate() < from.getUTCDate() ? months - 1 : months);
}

const customer360Query = (db: Kysely<DB>) =>
  compileTemplate(['workspaceId', 'customerId'], ({ workspaceId, customerId }) =>
    db
      .selectFrom('customers as c')
      .selectAll('c')
      .select((eb) => [
        jsonArrayFrom(
          eb
            .selectFrom('customer_identities as i')
            .select(['i.kind', 'i.namespace', 'i.value', 'i.source', 'i.created_at'])
            .whereRef('i.workspace_id', '=', 'c.workspace_id')
            .whereRef('i.customer_id', '=', 'c.id')
            .orderBy('i.kind')
            .orderBy('i.created_at'),
        ).as('identities'),
        jsonArrayFrom(
          eb
            .selectFrom('household_members as m')
            .innerJoin('households as h', (join) =>
              join.onRef('h.workspace_id', '=', 'm.workspace_id').onRef('h.id', '=', 'm.household_id'),
            )
            .select((eb2) => [
              'h.id',
              'h.name',
              'h.kind',
              'm.role',
              jsonArrayFrom(
                eb2
                  .selectFrom('household_members as o')
                  .innerJoin('customers as oc', (join) =>
                    join.onRef('oc.workspace_id', '=', 'o.workspace_id').onRef('oc.id', '=', 'o.customer_id'),
                  )
                  .select(['o.customer_id', 'oc.display_name', 'o.role'])
                  .whereRef('o.workspace_id', '=', 'h.workspace_id')
                  .whereRef('o.household_id', '=', 'h.id')
                  .orderBy('o.joined_at')
                  .orderBy('o.customer_id'),
              ).as('members'),
            ])
            .whereRef('m.workspace_id', '=', 'c.workspace_id')
            .whereRef('m.customer_id', '=', 'c.id')
            .orderBy('h.name'),
        ).as('households'),
        jsonArrayFrom(
          eb
            .selectFrom('consent_events as ce')
            .distinctOn(['ce.purpose', 'ce.channel'])
            .select([
              'ce.id',
              'ce.purpose',
              'ce.channel',
              'ce.status',
              'ce.source',
              'ce.evidence',
              'ce.recorded_at',
              'ce.actor_kind',
              'ce.actor_id',
            ])
            .whereRef('ce.workspace_id', '=', 'c.workspace_id')
            .whereRef('ce.customer_id', '=', 'c.id')
            .orderBy('ce.purpose')
            .orderBy('ce.channel')
            .orderBy('ce.recorded_at', 'desc')
            .orderBy('ce.seq', 'desc'),
        ).as('consent'),
        jsonArrayFrom(
          heldOrPaidForQuery(db, eb.ref('c.workspace_id'), eb.ref('c.id'))
            .innerJoin('products as p', (join) => join.onRef('p.workspace_id', '=', 'hd.workspace_id').onRef('p.id', '=', 'hd.product_id'))
            .innerJoin('product_lines as pl', (join) =>
              join.onRef('pl.workspace_id', '=', 'p.workspace_id').onRef('pl.id', '=', 'p.product_line_id'),
            )
            .innerJoin('customers as holder', (join) =>
              join.onRef('holder.workspace_id', '=', 'hd.workspace_id').onRef('holder.id', '=', 'hd.customer_id'),
            )
            .leftJoin('customers as payer', (join) =>
              join.onRef('payer.workspace_id', '=', 'hd.workspace_id').onRef('payer.id', '=', 'hd.payer_customer_id'),
            )
            .select((eb2) => [
              'hd.id',
              'hd.customer_id',
              'holder.display_name as holder_name',
              'hd.payer_customer_id',
              'payer.display_name as payer_name',
              'hd.household_id',
              'hd.status',
              'hd.started_at',
              'hd.ended_at',
              'hd.price_minor',
              'hd.currency',
              'hd.acquisition_channel',
              'hd.external_ref',
              'p.id as product_id',
              'p.code as product_code',
              'p.name as product_name',
              'p.kind as product_kind',
              'pl.id as line_id',
              'pl.code as line_code',
              'pl.name as line_name',
              jsonObjectFrom(planQuery(db, eb2.ref('hd.workspace_id'), eb2.ref('hd.plan_id'))).as('plan'),
              jsonObjectFrom(latestUsageQuery(db, eb2.ref('hd.workspace_id'), eb2.ref('hd.id'))).as('latest_usage'),
            ])
            .orderBy('pl.name')
            .orderBy('hd.started_at'),
        ).as('holdings'),
        jsonArrayFrom(recentTransactionsQuery(db, eb.ref('c.workspace_id'), eb.ref('c.id'), RECENT_LIMIT)).as('transactions'),
        jsonArrayFrom(recentEventsQuery(db, eb.ref('c.workspace_id'), eb.ref('c.id'), RECENT_LIMIT)).as('events'),
        jsonArrayFrom(
          eb
            .selectFrom('customers as mc')
            .select('mc.id')
            .whereRef('mc.workspace_id', '=', 'c.workspace_id')
            .whereRef('mc.merged_into', '=', 'c.id')
            .orderBy('mc.id'),
        ).as('merged'),
      ])
      .where('c.workspace_id', '=', workspaceId)
      .where('c.id', '=', customerId),
  );

const templateCache = new WeakMap<Kysely<DB>, ReturnType<typeof customer360Query>>();

/**
 * Everything about one customer in one round trip: profile, identities, households
 * with their members, current consent, every holding across product lines (held or
 * paid for) with plan and latest usage, and the latest transactions and events.
 */
export async function getCustomer360(
  database: Pick<Database, 'db' | 'executePrepared'>,
  workspaceId: string,
  customerId: string,
  now = new Date(),
): Promise<Customer360> {
  let templates = templateCache.get(database.db);
  if (!templates) templateCache.set(database.db, (templates = customer360Query(database.db)));
  const query = templates({ workspaceId, customerId });
  // The one hot read of the product: prepared, so PostgreSQL plans it once per connection.
  const [row] = await database.executePrepared('customer_360', query);

  if (!row || row.erased_at) throw notFound('Customer', customerId);
  if (row.merged_into) throw new MergedCustomerError(customerId, row.merged_into);

  return {
    customer: toCustomer(row),
    identities: row.identities.map(toIdentity),
    households: row.households.map((h) => ({
      id: h.id,
      name: h.name,
      kind: h.kind,
      role: h.role,
      members: h.members.map((m) => ({ customerId: m.customer_id, displayName: m.display_name, role: m.role })),
    })),
    consent: row.consent.map(toConsent),
    holdings: row.holdings.map((h) => {
      const startedAt = new Date(h.started_at);
      const endedAt = h.ended_at ? new Date(h.ended_at) : null;
      return {
        id: h.id,
        relationship: h.customer_id === row.id ? 'holder' : 'payer',
        holder: { customerId: h.customer_id, displayName: h.holder_name },
        payer: h.payer_customer_id ? { customerId: h.payer_customer_id, displayName: h.payer_name } : null,
        householdId: h.household_id,
        productLine: { id: h.line_id, code: h.line_code, name: h.line_name },
        product: { id: h.product_id, code: h.product_code, name: h.product_name, kind: h.product_kind },
        plan: h.plan ? toPlan(h.plan) : null,
        status: h.status,
        startedAt: toIso(startedAt),
        endedAt: toIsoOrNull(endedAt),
        tenureMonths: monthsBetween(startedAt, endedAt && endedAt < now ? endedAt : now),
        price: { amountMinor: h.price_minor, currency: h.currency },
        acquisitionChannel: h.acquisition_channel,
        externalRef: h.external_ref,
        latestUsage: h.latest_usage
          ? {
              periodStart: h.latest_usage.period_start,
              periodEnd: h.latest_usage.period_end,
              dataMb: h.latest_usage.data_mb,
              minutes: h.latest_usage.minutes,
              texts: h.latest_usage.texts,
            }
          : null,
      };
    }),
    recentTransactions: row.transactions.map((t) => ({
      id: t.id,
      kind: t.kind,
      amount: { amountMinor: t.amount_minor, currency: t.currency },
      description: t.description,
      holdingId: t.holding_id,
      occurredAt: toIso(t.occurred_at),
    })),
    recentEvents: row.events.map((e) => ({
      id: e.id,
      type: e.type,
      name: e.name,
      properties: e.properties,
      occurredAt: toIso(e.occurred_at),
      source: e.source,
    })),
    mergedFrom: row.merged.map((m) => m.id),
  };
}
