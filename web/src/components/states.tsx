import type { ReactNode } from 'react';
import { ApiError } from '../api';
import type { Resource } from './use-resource';

/** A polite, announced loading indicator. */
export function Loading({ label = 'Loading…', fullPage = false }: { label?: string; fullPage?: boolean }) {
  return (
    <div className={fullPage ? 'state state--full' : 'state'} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

function describe(error: unknown): { title: string; message: string } {
  if (error instanceof ApiError) {
    if (error.code === 'not_found') return { title: 'Not found', message: error.message };
    if (error.code === 'forbidden') return { title: 'Not allowed', message: error.message };
    if (error.code === 'network') return { title: 'Offline?', message: error.message };
    if (error.status >= 500) return { title: 'Something went wrong', message: error.message };
    return { title: 'That did not work', message: error.message };
  }
  return { title: 'Something went wrong', message: error instanceof Error ? error.message : String(error) };
}

/** An error with what went wrong in words, and a way to try again when that can help. */
export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const described = describe(error);
  return (
    <div className="state state--error" role="alert">
      <p className="state__title">{title ?? described.title}</p>
      <p>{described.message}</p>
      {onRetry && (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="state state--empty">{children}</div>;
}

/**
 * What a resource shows until its data can be: the loading indicator, or the error with a way to
 * try again; and, given `empty`, the empty state when the data is an empty list. Renders
 * nothing otherwise, so the page renders the data beside it.
 */
export function ResourceStatus({
  resource,
  loading,
  empty,
}: {
  resource: Resource<unknown> & { reload(): void };
  loading: string;
  empty?: ReactNode;
}) {
  if (resource.status === 'loading') return <Loading label={loading} />;
  if (resource.status === 'error') return <ErrorState error={resource.error} onRetry={resource.reload} />;
  if (empty !== undefined && Array.isArray(resource.data) && resource.data.length === 0) return <EmptyState>{empty}</EmptyState>;
  return null;
}
