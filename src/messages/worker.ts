import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../db/schema.js';
import type { MessageChannel, MessagesTable } from './tables.js';
import { retryWhileUnavailable } from '../db/outage.js';
import { recordMessageEvent } from './events.js';
import { TransportError, type OutgoingMessage, type SendResult, type Transport, type Transports } from './channels/index.js';

export interface WorkerOptions {
  /** Names this worker on the rows it holds; unique per process. */
  workerId: string;
  transports: Transports;
  /** Base of unsubscribe links (`{publicUrl}/u/{token}`). */
  publicUrl: string;
  maxAttempts: number;
  leaseSeconds: number;
  /** Messages claimed per round. */
  batchSize?: number;
  /** Serve one workspace only; by default a worker serves them all. */
  workspaceId?: string;
  now?: () => Date;
  /** Stops waiting for the database to record a round's outcomes (the worker is stopping). */
  signal?: AbortSignal;
}

type MessageRow = Selectable<MessagesTable>;

/** Backoff before attempt n+1: 30 s, 1 min, 2 min… capped at an hour, with ±20 % jitter so retries spread out. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Claims due messages: each is marked `sending` with this worker's id and a lease, and the
 * claim commits before anything is sent. SKIP LOCKED lets any number of workers claim at
 * once without waiting on, or taking, each other's rows. A claimed message is not yet handed
 * over (`handover_pending`): see `handOver`.
 */
export async function claimMessages(
  db: Kysely<DB>,
  options: {
    workerId: string;
    leaseSeconds: number;
    limit: number;
    now: Date;
    /** Only messages for these channels: one without an adapter stays queued until it is configured. */
    channels: MessageChannel[];
    workspaceId?: string | undefined;
  },
): Promise<MessageRow[]> {
  if (options.channels.length === 0) return [];
  const lease = new Date(options.now.getTime() + options.leaseSeconds * 1000);
  const result = await sql<MessageRow>`
    with due as (
      select workspace_id, id from messages
      where status = 'queued' and next_attempt_at <= ${options.now} and channel in (${sql.join(options.channels)})
        ${options.workspaceId ? sql`and workspace_id = ${options.workspaceId}` : sql``}
      order by next_attempt_at
      limit ${options.limit}
      for update skip locked
    )
    update messages m set status = 'sending', claimed_by = ${options.workerId}, lease_until = ${lease},
      handover_pending = true, updated_at = ${options.now}
    from due where m.workspace_id = due.workspace_id and m.id = due.id
    returning m.*`.execute(db);
  return result.rows;
}

function outgoing(row: MessageRow, publicUrl: string): OutgoingMessage {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    customerId: row.customer_id,
    purpose: row.purpose,
    recipient: row.recipient ?? '',
    subject: row.subject ?? '',
    body: row.body ?? '',
    idempotencyKey: row.idempotency_key,
    unsubscribeUrl: row.unsubscribe_token ? `${publicUrl.replace(/\/$/, '')}/u/${row.workspace_id}.${row.unsubscribe_token}` : null,
  };
}

type Outcome = { row: MessageRow; sent: SendResult } | { row: MessageRow; error: TransportError };

/**
 * Commits that these messages are being handed to their transport, just before the sends:
 * from here on a crash leaves their outcome unknown; before it, the lease sweep may queue
 * them again. This is what bounds a crash to the messages in flight instead of the whole
 * claim (a killed worker used to leave all 50 claimed emails `outcome_unknown`, about 60 %
 * never sent). It counts the attempt and renews the lease for the send itself. Fenced on
 * this worker, its lease and the pending mark: a message whose lease ran out (the sweep or
 * another worker has it now) is left out and not sent, so no two workers hand one over.
 */
async function handOver(db: Kysely<DB>, rows: MessageRow[], options: WorkerOptions, now: Date): Promise<MessageRow[]> {
  return db
    .updateTable('messages')
    .set({
      handover_pending: false,
      attempts: sql<number>`attempts + 1`,
      lease_until: new Date(now.getTime() + options.leaseSeconds * 1000),
      updated_at: now,
    })
    .where((eb) => eb.or(rows.map((row) => eb.and([eb('workspace_id', '=', row.workspace_id), eb('id', '=', row.id)]))))
    .where('status', '=', 'sending')
    .where('claimed_by', '=', options.workerId)
    .where('handover_pending', '=', true)
    .where('lease_until', '>', now)
    .returningAll()
    .execute();
}

async function send(transport: Transport, row: MessageRow, options: WorkerOptions): Promise<Outcome> {
  try {
    return { row, sent: await transport.send(outgoing(row, options.publicUrl)) };
  } catch (error) {
    if (error instanceof TransportError) return { row, error };
    return { row, error: new TransportError((error as Error).message, false) };
  }
}

/**
 * Records what the sends did. Every update is fenced on `claimed_by`: a worker whose lease
 * ran out and whose message was taken over changes nothing. A late success still turns an
 * `outcome_unknown` failure into `sent`, because then the send is known to have happened.
 */
async function record(db: Kysely<DB>, outcomes: Outcome[], options: WorkerOptions, now: Date): Promise<void> {
  const sent = outcomes.filter((o): o is Extract<Outcome, { sent: SendResult }> => 'sent' in o);
  if (sent.length) {
    await sql`update messages m set status = 'sent', sent_at = ${now}, updated_at = ${now}, lease_until = null,
        provider_id = v.provider_id, reason = null, last_error = null
      from (select unnest(${sql.val(sent.map((o) => o.row.workspace_id))}::text[]) as workspace_id,
                   unnest(${sql.val(sent.map((o) => o.row.id))}::text[]) as id,
                   unnest(${sql.val(sent.map((o) => o.sent.providerId))}::text[]) as provider_id) v
      where m.workspace_id = v.workspace_id and m.id = v.id and m.claimed_by = ${options.workerId}
        and (m.status = 'sending' or (m.status = 'failed' and m.reason = 'outcome_unknown'))`.execute(db);
  }
  for (const outcome of outcomes) {
    if (!('error' in outcome)) continue;
    const { row, error } = outcome;
    // A send that may have happened is repeated only where the receiver drops a repeat.
    const idempotent = row.channel ? (options.transports[row.channel]?.idempotent ?? false) : false;
    const unknown = error.outcomeUnknown && !idempotent;
    const retry = !error.permanent && !unknown && row.attempts < options.maxAttempts;
    const updated = await db
      .updateTable('messages')
      .set(
        retry
          ? {
              status: 'queued',
              next_attempt_at: new Date(now.getTime() + retryDelayMs(row.attempts)),
              claimed_by: null,
              lease_until: null,
              handover_pending: false,
              last_error: error.message,
              updated_at: now,
            }
          : {
              status: 'failed',
              reason: unknown ? 'outcome_unknown' : error.permanent ? 'rejected' : 'attempts_exhausted',
              lease_until: null,
              handover_pending: false,
              last_error: error.message,
              updated_at: now,
            },
      )
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.id)
      .where('status', '=', 'sending')
      .where('claimed_by', '=', options.workerId)
      .executeTakeFirst();
    if (updated.numUpdatedRows > 0n) {
      await recordMessageEvent(
        db,
        row,
        retry ? 'retry' : unknown ? 'outcome_unknown' : 'failed',
        { attempt: row.attempts, error: error.message },
        now,
      );
    }
  }
}

/** Sends in flight per transport that does not say (`Transport.concurrency`). */
const DEFAULT_CONCURRENCY = 5;

/**
 * Sends one channel's share of a claim in waves as wide as its transport carries at once:
 * mark the wave handed over, send it, record it, then the next. So at any moment at most one
 * wave is handed over but unrecorded, and that is all a crash can leave `outcome_unknown`.
 * Two statements per wave, not per message: with a mark and a record per message,
 * bench/messages.ts ran at 0.30 of its direct-send baseline, in waves at 0.45–0.66 (the
 * earlier worker, which handed a whole claim over at once, 0.72–0.94 on the same machine).
 */
async function deliverChannel(db: Kysely<DB>, rows: MessageRow[], options: WorkerOptions, now: () => Date, stopped: () => boolean) {
  const channel = rows[0]?.channel ?? null;
  const transport = channel ? options.transports[channel] : undefined;
  if (!transport) {
    const refused = rows.map((row) => ({ row, error: new TransportError(`channel ${channel ?? 'none'} is not configured`, true) }));
    await record(db, refused, options, now());
    return;
  }
  const width = Math.max(1, transport.concurrency ?? DEFAULT_CONCURRENCY);
  for (let start = 0; start < rows.length && !stopped(); start += width) {
    const held = await handOver(db, rows.slice(start, start + width), options, now());
    if (held.length === 0) continue;
    const outcomes = await Promise.all(held.map((row) => send(transport, row, options)));
    // The sends happened: if the database is away now (a restart), wait for it rather than
    // drop what they did. Dropped, the rows would sit in `sending` until their lease ran out
    // and then count as outcome_unknown, mail that went out reported as lost. One transaction,
    // so a try cut short leaves nothing half recorded for the next one. No time limit: once
    // the lease has run out and another worker marked a row outcome_unknown, a late success
    // still turns it into `sent` (see record).
    const finished = now();
    await retryWhileUnavailable(() => db.transaction().execute((trx) => record(trx, outcomes, options, finished)), {
      patienceMs: Number.POSITIVE_INFINITY,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}

/**
 * Settles messages whose worker died between claim and completion (lease expired while
 * `sending`). One never handed over (`handover_pending`) was not sent: it is queued again.
 * For one handed over, whether the send happened is unknown. On idempotent channels it is
 * queued again under the same idempotency key and the receiver drops a repeat; on the
 * others (email) it is marked failed with reason `outcome_unknown` and never sent again
 * by Rapport: an operator may requeue it (`requeueMessages`) knowing it may arrive twice.
 */
export async function recoverExpiredLeases(
  db: Kysely<DB>,
  options: { transports: Transports; now?: Date; workspaceId?: string | undefined },
): Promise<{ requeued: number; unknown: number }> {
  const now = options.now ?? new Date();
  const idempotent = (Object.values(options.transports) as Array<{ channel: MessageChannel; idempotent: boolean }>)
    .filter((t) => t.idempotent)
    .map((t) => t.channel);
  const expired = await sql<{
    workspace_id: string;
    id: string;
    customer_id: string;
    channel: MessageChannel | null;
    attempts: number;
    claimed_by: string | null;
    handover_pending: boolean;
  }>`
    select workspace_id, id, customer_id, channel, attempts, claimed_by, handover_pending from messages
    where status = 'sending' and lease_until < ${now}
      ${options.workspaceId ? sql`and workspace_id = ${options.workspaceId}` : sql``}
    for update skip locked`.execute(db);
  let requeued = 0;
  let unknown = 0;
  for (const row of expired.rows) {
    const again = row.handover_pending || (row.channel !== null && idempotent.includes(row.channel));
    // claimed_by stays on a failed row so that a late success from that worker can still record itself.
    // The fences repeat the select's conditions: outside a transaction its row lock is already gone.
    const updated = await db
      .updateTable('messages')
      .set(
        again
          ? { status: 'queued', next_attempt_at: now, claimed_by: null, lease_until: null, handover_pending: false, updated_at: now }
          : { status: 'failed', reason: 'outcome_unknown', lease_until: null, updated_at: now },
      )
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.id)
      .where('status', '=', 'sending')
      .where('lease_until', '<', now)
      .where('handover_pending', '=', row.handover_pending)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) continue;
    await recordMessageEvent(
      db,
      row,
      again ? 'retry' : 'outcome_unknown',
      {
        attempt: row.attempts,
        worker: row.claimed_by,
        reason: row.handover_pending ? 'lease expired before the message was handed over' : 'lease expired while sending',
      },
      now,
    );
    if (again) requeued++;
    else unknown++;
  }
  return { requeued, unknown };
}

/**
 * One round: claim a batch (committed), then send it per channel in waves
 * (`deliverChannel`), the channels side by side. A channel that fails (the database went
 * away) stops the others from starting more waves; what was not handed over stays
 * `handover_pending` and is queued again when its lease expires. Returns how many were claimed.
 */
export async function deliverBatch(db: Kysely<DB>, options: WorkerOptions): Promise<number> {
  const now = options.now ?? (() => new Date());
  const claimed = await claimMessages(db, {
    workerId: options.workerId,
    leaseSeconds: options.leaseSeconds,
    limit: options.batchSize ?? 50,
    now: now(),
    channels: Object.keys(options.transports) as MessageChannel[],
    workspaceId: options.workspaceId,
  });
  if (claimed.length === 0) return 0;
  const byChannel = new Map<MessageChannel | null, MessageRow[]>();
  for (const row of claimed) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
  let stopped = false;
  const settled = await Promise.allSettled(
    [...byChannel.values()].map((rows) =>
      deliverChannel(db, rows, options, now, () => stopped).catch((error: unknown) => {
        stopped = true;
        throw error;
      }),
    ),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return claimed.length;
}

/** Runs rounds until the signal aborts: sweeps expired leases now and then, sleeps when idle. */
export async function runMessageWorker(db: Kysely<DB>, options: WorkerOptions & { idleMs?: number; signal: AbortSignal }): Promise<void> {
  let lastSweep = 0;
  while (!options.signal.aborted) {
    const now = options.now?.() ?? new Date();
    if (now.getTime() - lastSweep > (options.leaseSeconds * 1000) / 2) {
      await db
        .transaction()
        .execute((trx) => recoverExpiredLeases(trx, { transports: options.transports, now, workspaceId: options.workspaceId }));
      lastSweep = now.getTime();
    }
    const claimed = await deliverBatch(db, options);
    if (claimed === 0) await new Promise((resolve) => setTimeout(resolve, options.idleMs ?? 1000));
  }
}
