/** Feedback metrics response shapes, from the server's TypeBox schemas (type-only imports). */
import type { Static } from 'typebox';
import type {
  FeedbackFiguresSchema,
  FeedbackMetricsSchema,
  FeedbackThemesSchema,
  ScorecardsSchema,
} from '../../../src/feedback/metrics/schemas.js';

export type FeedbackFigures = Static<typeof FeedbackFiguresSchema>;
export type FeedbackMetrics = Static<typeof FeedbackMetricsSchema>;
export type FeedbackThemes = Static<typeof FeedbackThemesSchema>;
export type Scorecards = Static<typeof ScorecardsSchema>;
export type SurveyKind = FeedbackMetrics['kind'];
