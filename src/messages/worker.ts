import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, MessageChannel, MessagesTable } from '../db/tables.js';
import { newId } from '../ids.js';
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
 * Commits that this message is being handed to its transport, just before the send: from
 * here on a crash leaves its outcome unknown; before it, the lease sweep may queue it again.
 * This is what bounds a crash to the messages in flight instead of the whole claim (a killed
 * worker used to leave all 50 claimed emails `outcome_unknown`, about 60 % never sent). It
 * counts the attempt and renews the lease for the send itself. Fenced on this worker, its
 * lease and the pending mark: a message whose lease ran out (the sweep or another worker has
 * it now) is not sent, so no two workers ever hand one message over.
 */
async function handOver(db: Kysely<DB>, row: MessageRow, options: WorkerOptions, now: Date): Promise<MessageRow | undefined> {
  return db
    .updateTable('messages')
    .set({
      handover_pending: false,
      attempts: sql<number>`attempts + 1`,
      lease_until: new Date(now.getTime() + options.leaseSeconds * 1000),
      updated_at: now,
    })
    .where('workspace_id', '=', row.workspace_id)
    .where('id', '=', row.id)
    .where('status', '=', 'sending')
    .where('claimed_by', '=', options.workerId)
    .where('handover_pending', '=', true)
    .where('lease_until', '>', now)
    .returningAll()
    .executeTakeFirst();
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
 * Records what one send did, as soon as it is known, so that a crash never leaves a finished
 * send unrecorded. Every update is fenced on `claimed_by`: a worker whose lease ran out and
 * whose message was taken over changes nothing. A late success still turns an
 * `outcome_unknown` failure into `sent`, because then the send is known to have happened.
 */
async function record(db: Kysely<DB>, outcome: Outcome, options: WorkerOptions, now: Date): Promise<void> {
  const { row } = outcome;
  if ('sent' in outcome) {
    await db
      .updateTable('messages')
      .set({
        status: 'sent',
        sent_at: now,
        updated_at: now,
        lease_until: null,
        provider_id: outcome.sent.providerId,
        reason: null,
        last_error: null,
      })
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.id)
      .where('claimed_by', '=', options.workerId)
      .where((eb) => eb.or([eb('status', '=', 'sending'), eb.and([eb('status', '=', 'failed'), eb('reason', '=', 'outcome_unknown')])]))
      .execute();
    return;
  }
  const { error } = outcome;
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
    await db
      .insertInto('message_events')
      .values({
        workspace_id: row.workspace_id,
        id: newId('mev'),
        message_id: row.id,
        customer_id: row.customer_id,
        kind: retry ? 'retry' : unknown ? 'outcome_unknown' : 'failed',
        detail: JSON.stringify({ attempt: row.attempts, error: error.message }),
        occurred_at: now,
      })
      .execute();
  }
}

/** Hands one claimed message over (mark, send, record); nothing if its lease is gone. */
async function deliverOne(db: Kysely<DB>, row: MessageRow, options: WorkerOptions, now: () => Date): Promise<void> {
  const transport = row.channel ? options.transports[row.channel] : undefined;
  if (!transport) {
    await record(db, { row, error: new TransportError(`channel ${row.channel ?? 'none'} is not configured`, true) }, options, now());
    return;
  }
  const held = await handOver(db, row, options, now());
  if (!held) return;
  await record(db, await send(transport, held, options), options, now());
}

const DEFAULT_CONCURRENCY = 5;

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
    await db
      .insertInto('message_events')
      .values({
        workspace_id: row.workspace_id,
        id: newId('mev'),
        message_id: row.id,
        customer_id: row.customer_id,
        kind: again ? 'retry' : 'outcome_unknown',
        detail: JSON.stringify({
          attempt: row.attempts,
          worker: row.claimed_by,
          reason: row.handover_pending ? 'lease expired before the message was handed over' : 'lease expired while sending',
        }),
        occurred_at: now,
      })
      .execute();
    if (again) requeued++;
    else unknown++;
  }
  return { requeued, unknown };
}

/**
 * One round: claim a batch (committed), then send it through as many lanes per channel as
 * the transport carries at once (`Transport.concurrency`), each lane marking, sending and
 * recording one message at a time. So at any moment at most that many messages are handed
 * over but unrecorded, which is all a crash can leave `outcome_unknown`. A lane that fails
 * (the database went away) stops the others from taking more; the rest of the claim stays
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
  const lanes: Array<Promise<void>> = [];
  for (const [channel, rows] of byChannel) {
    const width = (channel ? options.transports[channel]?.concurrency : undefined) ?? DEFAULT_CONCURRENCY;
    const lane = async () => {
      try {
        for (let row = rows.shift(); row && !stopped; row = rows.shift()) await deliverOne(db, row, options, now);
      } catch (error) {
        stopped = true;
        throw error;
      }
    };
    for (let i = 0; i < Math.max(1, width); i++) lanes.push(lane());
  }
  const settled = await Promise.allSettled(lanes);
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
