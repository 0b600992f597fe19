import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { MessagesConfig } from '../config.js';
import { backoffMs, pause } from '../db/outage.js';
import type { DB } from '../db/schema.js';
import { closeTransports, createTransports } from './channels/index.js';
import { runMessageWorker } from './worker.js';

export interface RunningWorker {
  workerId: string;
  channels: string[];
  stop(): Promise<void>;
}

/** Starts a delivery loop with the configured channels; `stop` lets the current round finish. */
export function startMessageWorker(
  db: Kysely<DB>,
  config: { messages: MessagesConfig; publicUrl: string },
  onError: (error: unknown) => void,
): RunningWorker {
  const transports = createTransports(config.messages);
  const controller = new AbortController();
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const options = {
    workerId,
    transports,
    publicUrl: config.publicUrl,
    maxAttempts: config.messages.maxAttempts,
    leaseSeconds: config.messages.leaseSeconds,
    signal: controller.signal,
  };
  // A failed round (the database restarting) is reported and the loop starts again after a
  // pause that grows while the failures go on, so the worker is back within seconds of the database.
  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!controller.signal.aborted) {
      const started = Date.now();
      try {
        await runMessageWorker(db, options);
      } catch (error) {
        onError(error);
        // A run that went well for a while before failing starts the backoff afresh.
        if (Date.now() - started > 30_000) failures = 0;
        await pause(backoffMs(++failures), controller.signal);
      }
    }
  };
  const done = loop();
  return {
    workerId,
    channels: Object.keys(transports),
    async stop() {
      controller.abort();
      await done;
      await closeTransports(transports);
    },
  };
}
