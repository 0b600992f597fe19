import { api } from '../api';
import type { FeedbackMetrics, FeedbackThemes, Scorecards, SurveyKind } from './types';

interface Period {
  from: string;
  to: string;
  kind: SurveyKind;
}

export function getFeedbackMetrics(query: Period & { by: string }, signal: AbortSignal): Promise<FeedbackMetrics> {
  return api.get<FeedbackMetrics>('/feedback/metrics', { query: { ...query, interval: 'week' }, signal });
}

export function getFeedbackThemes(query: Period, signal: AbortSignal): Promise<FeedbackThemes> {
  return api.get<FeedbackThemes>('/feedback/themes', { query: { ...query, limit: 8 }, signal });
}

export function getScorecards(query: Period, signal: AbortSignal): Promise<Scorecards> {
  return api.get<Scorecards>('/feedback/scorecards', { query: { ...query }, signal });
}

/** NPS as people read it: "+23", "−8", with its margin when asked: "+23 ±6". */
export function formatNps(score: number | null, margin?: number | null): string {
  if (score === null) return '–';
  const signed = score > 0 ? `+${Math.round(score)}` : score < 0 ? `−${Math.abs(Math.round(score))}` : '0';
  return margin === undefined || margin === null ? signed : `${signed} ±${Math.round(margin)}`;
}

export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value)}%`;
}

export function formatSentiment(value: number | null): string {
  return value === null ? '–' : value > 0 ? `+${value.toFixed(2)}` : value.toFixed(2);
}
