import { api, segment } from '../api';
import type { FollowUp, Survey, SurveyDefinition, SurveyPreview } from '../api-types';

export function listSurveys(signal: AbortSignal): Promise<Survey[]> {
  return api.get<{ data: Survey[] }>('/surveys', { signal }).then((body) => body.data);
}

export interface SurveyDraft {
  name: string;
  kind: Survey['kind'];
  status: Survey['status'];
  samplingRate: number;
  trigger: Survey['trigger'];
  definition: SurveyDefinition;
}

/** A new survey, or the changes to a stored one (its kind is fixed once created). */
export function saveSurvey(id: string | null, draft: SurveyDraft): Promise<Survey> {
  if (id) {
    const { kind: _kind, ...changes } = draft;
    return api.patch<Survey>(`/surveys/${segment(id)}`, changes);
  }
  return api.post<Survey>('/surveys', draft);
}

export function previewSurvey(
  input: { definition: SurveyDefinition; language: string; page: number },
  signal: AbortSignal,
): Promise<SurveyPreview> {
  return api.post<SurveyPreview>('/surveys/preview', input, { signal });
}

export function listFollowUps(state: 'open' | 'resolved' | 'all', mine: boolean, signal: AbortSignal): Promise<FollowUp[]> {
  return api
    .get<{ data: FollowUp[] }>('/follow-ups', { query: { state, mine: mine ? 'true' : undefined }, signal })
    .then((body) => body.data);
}

export function resolveFollowUp(caseId: string, outcome: string): Promise<FollowUp> {
  return api.post<FollowUp>(`/follow-ups/${segment(caseId)}/resolve`, { outcome });
}
