import type { Selectable } from 'kysely';
import { toIso, toIsoOrNull } from '../time.js';
import type { GiftEventsTable, GiftsTable, GivingRunsTable } from './tables.js';
import type { Gift, Run } from './schemas.js';

// Rows → API objects: gifts, the history of their state, and runs of the engine.

/** A gift as the API shows it; `customerName` is the customer's display name (null when none or erased). */
export function toGift(row: Selectable<GiftsTable>, customerName: string | null): Gift {
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleKind: row.rule_kind,
    customerId: row.customer_id,
    customerName,
    holdingId: row.holding_id,
    subjectKey: row.subject_key,
    period: row.period,
    title: row.title,
    status: row.status,
    evidence: row.evidence,
    action: row.action,
    value: { amountMinor: Number(row.value_minor), currency: row.currency },
    messageId: row.message_id,
    runId: row.run_id,
    offeredAt: toIso(row.offered_at),
    expiresAt: toIso(row.expires_at),
    decidedAt: toIsoOrNull(row.decided_at),
  };
}

export function toGiftEvent(row: Selectable<GiftEventsTable>): NonNullable<Gift['events']>[number] {
  return {
    kind: row.kind,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    note: row.note,
    occurredAt: toIso(row.occurred_at),
  };
}

export function toRun(row: Selectable<GivingRunsTable>): Run {
  return {
    id: row.id,
    worker: row.worker,
    startedAt: toIso(row.started_at),
    finishedAt: toIsoOrNull(row.finished_at),
    chunksDone: row.chunks_done,
    customersScanned: row.customers_scanned,
    giftsCreated: row.gifts_created,
    giftsExpired: row.gifts_expired,
    byRule: Object.fromEntries(Object.entries(row.by_rule).map(([k, v]) => [k, Number(v)])),
  };
}
