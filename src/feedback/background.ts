import type { Kysely } from 'kysely';
import type { Pacing } from '../db/database.js';
import { backoffMs } from '../db/outage.js';
import type { DB } from '../db/schema.js';
import { isConnectionError } from '../errors.js';
import type { InviteConfig } from './invitations.js';
import { runSurveySweep } from './sweep.js';

/** How often the trigger sweep looks for new subjects. */
const INTERVAL_MS = 60_000;

/**
 * Runs the survey trigger sweep every minute until stopped. A failed round is reported and
 * retried: within seconds, backing off, when the database was unreachable (a restart), else
 * at the next minute.
 */
export function startSurveySweeper(
  db: Kysely<DB>,
  config: InviteConfig,
  onError: (error: unknown) => void,
  pacing?: Pacing,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let outages = 0;
  const round = () => {
    running = runSurveySweep(db, config, {
      pacing,
      onError: (error, subject) => onError(Object.assign(new Error(`survey invitation for ${subject} failed`), { cause: error })),
    })
      .then(
        () => {
          outages = 0;
        },
        (error: unknown) => {
          onError(error);
          outages = isConnectionError(error) ? outages + 1 : 0;
        },
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(round, outages > 0 ? backoffMs(outages) : INTERVAL_MS);
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
