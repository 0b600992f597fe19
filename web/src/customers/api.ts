import { api, segment } from '../api';
import type { Customer360, Page, SearchResult, TimelineEntry } from '../api-types';

export function searchCustomers(q: string, signal: AbortSignal): Promise<SearchResult[]> {
  return api.get<{ data: SearchResult[] }>('/customers', { query: { q, limit: 20 }, signal }).then((body) => body.data);
}

/** The 360; a merged id is redirected by the server to its survivor, whose 360 this is. */
export function getCustomer360(id: string, signal: AbortSignal): Promise<Customer360> {
  return api.get<Customer360>(`/customers/${segment(id)}`, { signal });
}

export function getTimeline(
  id: string,
  options: { kinds: string[]; before?: string | null; limit?: number },
  signal?: AbortSignal,
): Promise<Page<TimelineEntry>> {
  return api.get<Page<TimelineEntry>>(`/customers/${segment(id)}/timeline`, {
    query: { kinds: options.kinds.length ? options.kinds.join(',') : undefined, before: options.before, limit: options.limit ?? 25 },
    signal,
  });
}
