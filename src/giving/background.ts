import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Pacing } from '../db/database.js';
import { backoffMs, pause } from '../db/outage.js';
import type { DB } from '../db/schema.js';
import { isConnectionError } from '../errors.js';
import { runGiving } from './job.js';

export interface RunningScheduler {
  stop(): Promise<void>;
}

/**
 * Runs the giving job every `intervalMinutes`, the first time one minute after start so a
 * server comes up quickly. Several servers may run it: they share each sweep's chunks, and
 * the gifts' unique key keeps any overlap harmless. `stop` waits for the current run.
 */
export function startGivingScheduler(
  db: Kysely<DB>,
  options: { intervalMinutes: number; firstDelayMs?: number; pacing?: Pacing | undefined },
  onError: (error: unknown) => void,
): RunningScheduler {
  const controller = new AbortController();
  const workerId = `${hostname()}:${process.pid}:giving`;
  const loop = async (): Promise<void> => {
    await pause(options.firstDelayMs ?? 60_000, controller.signal);
    let outages = 0;
    while (!controller.signal.aborted) {
      try {
        // Each step rides through a short outage itself (job.ts); this catches a longer one.
        await runGiving(db, { workerId, signal: controller.signal, pacing: options.pacing });
        outages = 0;
      } catch (error) {
        onError(error);
        outages = isConnectionError(error) ? outages + 1 : 0;
      }
      // A run the database's absence cut short is tried again soon, not after a whole interval (a day by default).
      await pause(outages > 0 ? backoffMs(outages, 60_000) : options.intervalMinutes * 60_000, controller.signal);
    }
  };
  const done = loop();
  return {
    async stop() {
      controller.abort();
      await done;
    },
  };
}
