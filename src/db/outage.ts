import { isConnectionError } from '../errors.js';

/**
 * The pause after `failures` failures in a row: 250 ms doubling up to `maxMs`, ±20 % jitter so
 * that many workers coming back at once do not knock together. A database restart takes a
 * few seconds, so the first retries come quickly and an outage costs at most `maxMs` extra.
 */
export function backoffMs(failures: number, maxMs = 5000, random: () => number = Math.random): number {
  const base = Math.min(250 * 2 ** Math.max(0, failures - 1), maxMs);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Waits `ms`, or less when the signal aborts (a stopping worker does not sit out its pause). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RetryWhileUnavailableOptions {
  /** Stop retrying (and throw the last error) once the signal aborts. */
  signal?: AbortSignal;
  /** How long the database may stay unreachable before giving up, in ms (default one minute: restarts and failovers take seconds). */
  patienceMs?: number;
  /** Told about each failure that will be retried. */
  onRetry?: (error: unknown, failures: number) => void;
}

/**
 * Runs `work`, and runs it again with backoff for as long as it fails because the database
 * cannot be reached (see isConnectionError), so that a long job rides through a restart.
 * Any other error is thrown at once. `work` must be safe to repeat: a transaction (rolled back
 * when the connection broke) whose effect is idempotent in case its commit did land.
 */
export async function retryWhileUnavailable<T>(work: () => Promise<T>, options: RetryWhileUnavailableOptions = {}): Promise<T> {
  const patienceMs = options.patienceMs ?? 60_000;
  let failures = 0;
  let firstFailure = 0;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isConnectionError(error) || options.signal?.aborted) throw error;
      if (failures === 0) firstFailure = Date.now();
      failures++;
      if (Date.now() - firstFailure > patienceMs) throw error;
      options.onRetry?.(error, failures);
      await pause(backoffMs(failures), options.signal);
    }
  }
}
