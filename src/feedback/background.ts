import type { Kysely } from 'kysely';
import type { Pacing } from '../db/database.js';
import type { DB } from '../db/tables.js';
import type { InviteConfig } from './invitations.js';
import { runSurveySweep } from './sweep.js';

/** How often the trigger sweep looks for new subjects. */
const INTERVAL_MS = 60_000;

/** Runs the survey trigger sweep every minute until stopped; a failed round is reported and retried next time. */
export function startSurveySweeper(
  db: Kysely<DB>,
  config: InviteConfig,
  onError: (error: unknown) => void,
  pacing?: Pacing,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    running = runSurveySweep(db, config, {
      pacing,
      onError: (error, subject) => onError(Object.assign(new Error(`survey invitation for ${subject} failed`), { cause: error })),
    })
      .then(() => undefined, onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(round, INTERVAL_MS);
      });
  };
  timer = setTimeout(round, 1000);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
