import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { startIngestWorker } from './ingest/processor.js';
import { startBreachSweeper } from './service/breaches.js';

/** How often the SLA breach sweep looks for targets that fell due. */
const BREACH_SWEEP_MS = 30_000;

export interface WorkerSelection {
  /**
   * Also run the workers that reach customers: message delivery, survey invitations and the
   * giving engine. `rapport serve` does; an app built for a test or a bench leaves them off, so
   * that nothing is sent or given behind its back. Each still needs its own setting on.
   */
  outreach: boolean;
}

/** The background workers, each in the capability that owns the tables it claims from. */
export type WorkerName = 'ingest' | 'breaches' | 'messages' | 'surveys' | 'giving';

export interface RunningWorkers {
  /** The workers that run, in the order they started. */
  names: WorkerName[];
  /** Asks the ingest processor to look for events now (a batch was just stored); nothing when it does not run. */
  wakeIngest(): void;
  /** Lets every worker finish its current round; resolves when all have stopped. */
  stop(): Promise<void>;
}

interface Started {
  name: WorkerName;
  worker: { stop(): Promise<void> };
}

async function stopAll(running: Started[]): Promise<void> {
  // All are asked at once, and all are waited for even when one fails, so none outlives the database.
  const results = await Promise.allSettled(running.map(({ worker }) => worker.stop()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Starts every background worker the configuration turns on. Each claims its work from
 * tables (SKIP LOCKED, idempotent), so any number of processes may run them at once, and
 * each rides out the database going away: a failed round is logged and tried again.
 */
export async function startWorkers(
  database: Database,
  config: Config,
  log: FastifyBaseLogger,
  selection: WorkerSelection,
): Promise<RunningWorkers> {
  const { db, pacing } = database;
  const running: Started[] = [];
  const ingest = config.ingestWorker
    ? startIngestWorker(db, {
        ...(pacing ? { pacing } : {}),
        dedupDays: config.ingestDedupDays,
        onError: (error) => log.error({ err: error }, 'ingest processor failed'),
      })
    : undefined;
  if (ingest) running.push({ name: 'ingest', worker: ingest });
  running.push({
    name: 'breaches',
    worker: startBreachSweeper(db, { intervalMs: BREACH_SWEEP_MS }, (error) => log.error({ err: error }, 'breach sweep failed')),
  });
  try {
    // Loaded on demand: the channel adapters (SMTP, PDF) are heavy for a process that only prints help.
    if (selection.outreach && config.messages.workerInProcess) {
      const { startMessageWorker } = await import('./messages/background.js');
      running.push({
        name: 'messages',
        worker: startMessageWorker(db, config, (error) => log.error({ err: error }, 'message worker round failed')),
      });
    }
    if (selection.outreach && config.feedback.workerInProcess) {
      const { startSurveySweeper } = await import('./feedback/background.js');
      running.push({
        name: 'surveys',
        worker: startSurveySweeper(db, config, (error) => log.error({ err: error }, 'survey sweep failed'), pacing),
      });
    }
    if (selection.outreach && config.givingIntervalMinutes > 0) {
      const { startGivingScheduler } = await import('./giving/background.js');
      running.push({
        name: 'giving',
        worker: startGivingScheduler(db, { intervalMinutes: config.givingIntervalMinutes, pacing }, (error) =>
          log.error({ err: error }, 'giving run failed'),
        ),
      });
    }
  } catch (error) {
    await stopAll(running);
    throw error;
  }
  return {
    names: running.map(({ name }) => name),
    wakeIngest: () => ingest?.wake(),
    stop: () => stopAll(running),
  };
}

/**
 * Starts the workers when the app is ready and stops them as it begins to close, while
 * requests that arrive meanwhile are answered 503 (http/error-handler.ts) and before the
 * database closes. Returns a handle the ingest routes wake the processor through.
 */
export function registerWorkers(app: FastifyInstance, selection: WorkerSelection): Pick<RunningWorkers, 'wakeIngest'> {
  let workers: RunningWorkers | undefined;
  app.addHook('onReady', async () => {
    workers = await startWorkers(app.database, app.config, app.log, selection);
  });
  app.addHook('preClose', async () => workers?.stop());
  return { wakeIngest: () => workers?.wakeIngest() };
}
