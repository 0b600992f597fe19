import { useCallback, useEffect, useRef, useState } from 'react';

export type Resource<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; data: T };

type Settled<T> = { key: string; status: 'error'; error: unknown } | { key: string; status: 'ready'; data: T };

/**
 * Loads data for a key (a URL-like string naming what is shown) and loads again when the key
 * changes; the previous request is aborted so a slow answer never overwrites a newer one.
 * A null key loads nothing and stays 'loading'.
 */
export function useResource<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Resource<T> & { reload(): void } {
  const [attempt, setAttempt] = useState(0);
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  const fullKey = key === null ? null : `${key}#${attempt}`;
  useEffect(() => {
    if (fullKey === null) return;
    const controller = new AbortController();
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setSettled({ key: fullKey, status: 'ready', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setSettled({ key: fullKey, status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [fullKey]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  // An answer for another key is stale: show loading until this key's answer arrives.
  if (!settled || settled.key !== fullKey) return { status: 'loading', reload };
  return settled.status === 'ready' ? { status: 'ready', data: settled.data, reload } : { status: 'error', error: settled.error, reload };
}
