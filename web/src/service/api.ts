import { api, segment } from '../api';
import type { Case, CaseDetail, ServiceMetrics } from './types';

export type InboxView = 'mine' | 'team' | 'breaching';

export function listCases(view: InboxView, signal: AbortSignal): Promise<Case[]> {
  return api.get<{ data: Case[] }>('/cases', { query: { view, withinMinutes: 240, limit: 100 }, signal }).then((body) => body.data);
}

export function getCase(id: string, signal: AbortSignal): Promise<CaseDetail> {
  return api.get<CaseDetail>(`/cases/${segment(id)}`, { signal });
}

export function actOnCase(id: string, action: string): Promise<Case> {
  return api.post<Case>(`/cases/${segment(id)}/${action}`, {});
}

export function getMetrics(query: { from: string; to: string; by: string }, signal: AbortSignal): Promise<ServiceMetrics> {
  return api.get<ServiceMetrics>('/service/metrics', { query: { ...query, interval: 'week' }, signal });
}

/** Business seconds as "3 min", "2.5 h", "1.2 d" (a business day is taken as 8 hours). */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 8 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / (8 * 3600)).toFixed(1)} d`;
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '–' : `${Math.round(rate * 100)}%`;
}
