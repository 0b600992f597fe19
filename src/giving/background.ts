import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Pacing } from '../db/database.js';
import type { DB } from '../db/tables.js';
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
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      controller.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  const loop = async (): Promise<void> => {
    await pause(options.firstDelayMs ?? 60_000);
    while (!controller.signal.aborted) {
      try {
        await runGiving(db, { workerId, pacing: options.pacing });
      } catch (error) {
        onError(error);
      }
      await pause(options.intervalMinutes * 60_000);
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
