/** Service response shapes, from the server's TypeBox schemas (type-only imports). */
import type { Static } from 'typebox';
import type { ServiceMetricsSchema } from '../../../src/service/metrics-schemas.js';
import type { CaseDetail as CaseDetailSchema, CaseSchema } from '../../../src/service/schemas.js';

export type Case = Static<typeof CaseSchema>;
export type CaseDetail = Static<typeof CaseDetailSchema>;
export type ServiceMetrics = Static<typeof ServiceMetricsSchema>;
export type Figures = ServiceMetrics['series'][number];
