import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Pacing } from '../db/database.js';
import { retryWhileUnavailable } from '../db/outage.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { newId } from '../ids.js';
import type { Partition } from '../db/partition.js';
import { monthlyPlansOnSale, productsWithMonthlyAllowances } from '../catalog/plan-queries.js';
import { countCustomers } from '../customers/lookup.js';
import { applyEarningRules } from '../loyalty/earning.js';
import { expirePoints } from '../loyalty/ledger.js';
import { getWorkspace, listWorkspaceIds } from '../workspaces/service.js';
import { bestTariffQuery, toAdvice, usageMonths, type TariffAdvice } from './best-tariff.js';
import { findFeesToWaive, findServiceRecovery, findThankYous, type Find } from './finders.js';
import { expireGifts, offerGifts } from './gifts.js';
import { findRule, listGivingRules, type GivingRule } from './rules.js';
import { ensureGiftTemplates } from './templates.js';

// The giving job. Customers are split into chunks by a hash of their id; a worker leases
// one chunk at a time (FOR UPDATE SKIP LOCKED, with a lease so a crashed worker's chunk is
// taken over), runs every rule over it in one transaction and marks it done. Several
// workers started together share one sweep: a chunk done after a worker started is not
// done again by it. A later run sweeps again; the gifts' unique key (rule, subject,
// period) means nothing is offered twice either way.

/** Customers per chunk when a workspace's chunks are first laid out (at least 1, at most 64 chunks). */
const CUSTOMERS_PER_CHUNK = 10_000;
/**
 * On embedded PGlite a chunk's transaction holds the one connection, so chunks are laid out
 * smaller there (and there may be more of them), to keep each near the unit of PGLITE_UNIT_MS.
 */
const PGLITE_CUSTOMERS_PER_CHUNK = 500;
const PGLITE_MAX_CHUNKS = 256;
const LEASE_SECONDS = 600;

export interface GivingProgress {
  workspaceId: string;
  chunksDone: number;
  chunks: number;
  giftsCreated: number;
}

export interface GivingOptions {
  workspaceId?: string;
  now?: Date;
  workerId?: string;
  /** How many chunks to lay out when the workspace has none yet (default: one per 10,000 customers). */
  chunks?: number;
  onProgress?: (progress: GivingProgress) => void;
  /** On embedded PGlite: smaller chunks, and requests get their turn before each step (see Pacing). */
  pacing?: Pacing | undefined;
  /** Stops waiting out a database outage (the scheduler is stopping). */
  signal?: AbortSignal;
}

export interface GivingResult {
  runs: Array<{
    workspaceId: string;
    runId: string;
    chunksDone: number;
    customersScanned: number;
    giftsCreated: number;
    giftsExpired: number;
    pointsEarned: number;
    byRule: Record<string, number>;
  }>;
}

function tariffFind(advice: TariffAdvice, months: string[], percentile: number): Find {
  const reason =
    advice.currentMonthlyOverageMinor > 0 && advice.bigger ? 'overage' : advice.currentPlanOnSale ? 'oversized' : 'retired_plan';
  const rank = Math.max(1, Math.ceil(percentile * months.length - 1e-9));
  const atRank = (values: number[]) => [...values].sort((a, b) => a - b)[rank - 1] ?? 0;
  const evidence: JsonObject = {
    reason,
    months: months.length,
    usage: months.map((periodStart, k) => ({
      periodStart,
      dataMb: advice.dataMb[k] ?? 0,
      minutes: advice.minutes[k] ?? 0,
      texts: advice.texts[k] ?? 0,
    })),
    percentile,
    usageAtPercentile: { dataMb: atRank(advice.dataMb), minutes: atRank(advice.minutes), texts: atRank(advice.texts) },
    monthsFitting: advice.monthsFitting,
    currentPlanId: advice.currentPlanId,
    currentPlanName: advice.currentPlanName,
    currentPlanOnSale: advice.currentPlanOnSale,
    paidMinor: advice.paidMinor,
    currentMonthlyCostMinor: advice.currentMonthlyCostMinor,
    currentMonthlyOverageMinor: advice.currentMonthlyOverageMinor,
    planId: advice.planId,
    planName: advice.planName,
    planPriceMinor: advice.planPriceMinor,
    monthlyCostMinor: advice.monthlyCostMinor,
    monthlySavingMinor: advice.monthlySavingMinor,
    yearlySavingMinor: advice.monthlySavingMinor * 12,
  };
  return {
    customerId: advice.customerId,
    holdingId: advice.holdingId,
    subjectKey: `holding:${advice.holdingId}`,
    period: months[0]?.slice(0, 7) ?? '',
    title: `${advice.planName} saves ${new Intl.NumberFormat('en-GB', { style: 'currency', currency: advice.currency }).format(advice.monthlySavingMinor / 100)} a month`,
    evidence,
    action: { type: 'plan_change', holdingId: advice.holdingId, planId: advice.planId },
    valueMinor: advice.monthlySavingMinor * 12,
    currency: advice.currency,
  };
}

/** Runs every enabled rule over one chunk of customers, offering what is found. Returns gifts per rule kind. */
export async function giveToChunk(
  db: Kysely<DB>,
  workspaceId: string,
  rules: GivingRule[],
  options: { now: Date; runId: string | null; chunk?: Partition; currency: string; pacing?: Pacing | undefined },
): Promise<Record<string, number>> {
  const created: Record<string, number> = {};
  const offer = async (rule: GivingRule, offerDays: number, finds: Find[]) => {
    const gifts = await offerGifts(db, workspaceId, { id: rule.id, kind: rule.kind, offerDays }, finds, options);
    await options.pacing?.beforeUnit();
    created[rule.kind] = (created[rule.kind] ?? 0) + gifts.length;
  };
  const tariff = await findRule(rules, 'best_tariff');
  if (tariff) {
    const months = usageMonths(options.now, tariff.config.months);
    for (const productId of await productsWithMonthlyAllowances(db, workspaceId)) {
      const plans = await monthlyPlansOnSale(db, workspaceId, productId);
      const scope = { workspaceId, productId, months, config: tariff.config, ruleId: tariff.id, now: options.now, chunk: options.chunk };
      const { rows } = await bestTariffQuery(db, scope, plans).execute(db);
      await offer(
        tariff,
        tariff.config.offerDays,
        rows.map((row) => tariffFind(toAdvice(row, plans), months, tariff.config.percentile)),
      );
    }
  }
  const fees = await findRule(rules, 'fee_waiver');
  if (fees) await offer(fees, fees.config.offerDays, await findFeesToWaive(db, workspaceId, fees, options));
  const recovery = await findRule(rules, 'service_recovery');
  if (recovery) await offer(recovery, recovery.config.offerDays, await findServiceRecovery(db, workspaceId, recovery, options));
  const thanks = await findRule(rules, 'thank_you');
  if (thanks) await offer(thanks, thanks.config.offerDays, await findThankYous(db, workspaceId, thanks, options));
  return created;
}

async function claimChunk(db: Kysely<DB>, workspaceId: string, workerId: string, sweepStart: Date): Promise<number | undefined> {
  const { rows } = await sql<{ chunk: number }>`
    update giving_chunks set leased_by = ${workerId}, lease_until = clock_timestamp() + make_interval(secs => ${LEASE_SECONDS})
    where (workspace_id, chunk) = (
      select workspace_id, chunk from giving_chunks
      where workspace_id = ${workspaceId} and (done_at is null or done_at < ${sweepStart})
        -- this worker's own lease too: a claim whose answer a dropped connection lost
        and (lease_until is null or lease_until < clock_timestamp() or leased_by = ${workerId})
      order by chunk limit 1 for update skip locked)
    returning chunk`.execute(db);
  return rows[0]?.chunk;
}

/** One workspace's sweep by this worker (see the top of this file). */
export async function runGivingForWorkspace(
  db: Kysely<DB>,
  workspaceId: string,
  options: GivingOptions = {},
): Promise<GivingResult['runs'][number]> {
  const now = options.now ?? new Date();
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  // Every step is a transaction that is safe to run again, so a database restart costs a pause, not the run.
  const again = <T>(work: () => Promise<T>) => retryWhileUnavailable(work, options.signal ? { signal: options.signal } : {});
  const workspace = await again(() => getWorkspace(db, workspaceId));
  const sweepStart = new Date();
  const runId = newId('grun');
  const setup = await again(() =>
    db.transaction().execute(async (trx) => {
      await ensureGiftTemplates(trx, workspaceId);
      const rules = await listGivingRules(trx, workspaceId);
      // The layout is fixed once made, so workers that start later agree on what a chunk is.
      let chunks = Number(
        (await sql<{ n: number }>`select count(*) as n from giving_chunks where workspace_id = ${workspaceId}`.execute(trx)).rows[0]?.n ??
          0,
      );
      if (chunks === 0) {
        const customers = await countCustomers(trx, workspaceId);
        const [perChunk, maxChunks] = options.pacing ? [PGLITE_CUSTOMERS_PER_CHUNK, PGLITE_MAX_CHUNKS] : [CUSTOMERS_PER_CHUNK, 64];
        chunks = options.chunks ?? Math.min(maxChunks, Math.max(1, Math.ceil(customers / perChunk)));
        await trx
          .insertInto('giving_chunks')
          .values(Array.from({ length: chunks }, (_, chunk) => ({ workspace_id: workspaceId, chunk })))
          .onConflict((oc) => oc.columns(['workspace_id', 'chunk']).doNothing())
          .execute();
        chunks = Number(
          (await sql<{ n: number }>`select count(*) as n from giving_chunks where workspace_id = ${workspaceId}`.execute(trx)).rows[0]?.n ??
            0,
        );
      }
      await trx
        .insertInto('giving_runs')
        .values({ workspace_id: workspaceId, id: runId, worker: workerId, started_at: sweepStart })
        .execute();
      return { rules, chunks };
    }),
  );
  // Earning, point expiry and offer expiry are each idempotent, so each is a transaction of
  // its own: on PGlite requests get their turn in between.
  await options.pacing?.beforeUnit();
  const pointsEarned = await again(() => db.transaction().execute((trx) => applyEarningRules(trx, workspaceId, { now })));
  await options.pacing?.beforeUnit();
  await again(() => db.transaction().execute((trx) => expirePoints(trx, workspaceId, { now })));
  await options.pacing?.beforeUnit();
  const giftsExpired = await again(() => db.transaction().execute((trx) => expireGifts(trx, workspaceId, now)));

  const byRule: Record<string, number> = {};
  let chunksDone = 0;
  let customersScanned = 0;
  let giftsCreated = 0;
  for (;;) {
    await options.pacing?.beforeUnit();
    const index = await again(() => db.transaction().execute((trx) => claimChunk(trx, workspaceId, workerId, sweepStart)));
    if (index === undefined) break;
    const chunk = { index, count: setup.chunks };
    const markDone = async (trx: Kysely<DB>) => {
      await trx
        .updateTable('giving_chunks')
        .set({ done_at: sql<Date>`clock_timestamp()`, leased_by: null, lease_until: null })
        .where('workspace_id', '=', workspaceId)
        .where('chunk', '=', index)
        .execute();
      return countCustomers(trx, workspaceId, { live: true, part: chunk });
    };
    const scope = { now, runId, chunk, currency: workspace.defaultCurrency };
    // On PostgreSQL a chunk is one transaction. On PGlite that would hold the one connection
    // for the whole chunk, so the rules' reads run on their own and gifts are offered a few
    // per transaction (see offerGifts); a chunk cut short by a crash is leased again and the
    // gifts' unique key skips what was already offered.
    const pacing = options.pacing;
    const outcome = await again(async () =>
      pacing
        ? { created: await giveToChunk(db, workspaceId, setup.rules, { ...scope, pacing }), customers: await markDone(db) }
        : db.transaction().execute(async (trx) => {
            const created = await giveToChunk(trx, workspaceId, setup.rules, scope);
            return { created, customers: await markDone(trx) };
          }),
    );
    chunksDone++;
    customersScanned += outcome.customers;
    for (const [kind, n] of Object.entries(outcome.created)) {
      byRule[kind] = (byRule[kind] ?? 0) + n;
      giftsCreated += n;
    }
    options.onProgress?.({ workspaceId, chunksDone, chunks: setup.chunks, giftsCreated });
  }
  await again(() =>
    db
      .updateTable('giving_runs')
      .set({
        finished_at: new Date(),
        chunks_done: chunksDone,
        customers_scanned: customersScanned,
        gifts_created: giftsCreated,
        gifts_expired: giftsExpired,
        by_rule: JSON.stringify(byRule),
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', runId)
      .execute(),
  );
  return {
    workspaceId,
    runId,
    chunksDone,
    customersScanned,
    giftsCreated,
    giftsExpired,
    pointsEarned,
    byRule,
  };
}

/** The giving job over every workspace (or one): earning and expiry of points, expiry of offers, then every rule over every customer. */
export async function runGiving(db: Kysely<DB>, options: GivingOptions = {}): Promise<GivingResult> {
  const workspaces = options.workspaceId ? [options.workspaceId] : await retryWhileUnavailable(() => listWorkspaceIds(db));
  const runs: GivingResult['runs'] = [];
  for (const workspaceId of workspaces) runs.push(await runGivingForWorkspace(db, workspaceId, options));
  return { runs };
}
