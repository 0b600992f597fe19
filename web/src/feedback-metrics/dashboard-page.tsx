import { useState } from 'react';
import { GroupingSelect, useRecentPeriod } from '../components/breakdown';
import { DataTable } from '../components/data-table';
import { formatNumber } from '../components/format';
import { Page, Section } from '../components/page';
import { ResourceStatus } from '../components/states';
import { useResource } from '../components/use-resource';
import { TrendChart } from '../service/trend-chart';
import { formatNps, formatPercent, getFeedbackMetrics, getFeedbackThemes, getScorecards } from './api';
import { NpsTrend } from './nps-trend';
import { figureColumns, ScorecardsSection, ThemesSection } from './panels';
import type { FeedbackMetrics, FeedbackThemes, Scorecards, SurveyKind } from './types';

const GROUPINGS = [
  ['channel', 'Channel'],
  ['agent', 'Agent'],
  ['team', 'Team'],
  ['job', 'Job'],
  ['product_line', 'Product line'],
  ['segment', 'Segment'],
] as const;

const KINDS: Array<[SurveyKind, string]> = [
  ['interaction', 'After interactions'],
  ['relationship', 'Relationship'],
];

const percentFormat = (value: number | null) => formatPercent(value);

/** The feedback dashboard: what customers said over the last quarter, interaction and relationship surveys apart. */
export default function FeedbackDashboardPage() {
  const [by, setBy] = useState<string>('channel');
  const [kind, setKind] = useState<SurveyKind>('interaction');
  const { from, to } = useRecentPeriod(90);
  const period = { from, to, kind };
  const metrics = useResource<FeedbackMetrics>(`feedback-metrics:${kind}:${by}:${from}`, (signal) =>
    getFeedbackMetrics({ ...period, by }, signal),
  );
  const themes = useResource<FeedbackThemes>(`feedback-themes:${kind}:${from}`, (signal) => getFeedbackThemes(period, signal));
  const scorecards = useResource<Scorecards>(`feedback-scorecards:${kind}:${from}`, (signal) => getScorecards(period, signal));

  return (
    <Page
      title="Feedback"
      subtitle={`What customers said in the last 90 days, ${from} to ${to}.`}
      actions={
        <div className="chips" role="group" aria-label="Survey kind">
          {KINDS.map(([value, label]) => (
            <button key={value} type="button" className="chip" aria-pressed={kind === value} onClick={() => setKind(value)}>
              {label}
            </button>
          ))}
        </div>
      }
    >
      <ResourceStatus resource={metrics} loading="Loading feedback metrics…" />
      {metrics.status === 'ready' && (
        <>
          <dl className="feedback-totals" aria-label="Totals for the period">
            <div>
              <dt>NPS</dt>
              <dd>
                {formatNps(metrics.data.total.nps.score, metrics.data.total.nps.marginOfError)}
                <span className="muted small"> n={formatNumber(metrics.data.total.nps.count)}</span>
              </dd>
            </div>
            <div>
              <dt>CSAT</dt>
              <dd>{formatPercent(metrics.data.total.csat.percent)}</dd>
            </div>
            <div>
              <dt>CES agree</dt>
              <dd>
                {formatPercent(metrics.data.total.ces.percentAgree)}
                <span className="muted small"> mean {metrics.data.total.ces.mean?.toFixed(1) ?? '–'}</span>
              </dd>
            </div>
            <div>
              <dt>Elevated feelings</dt>
              <dd>{formatPercent(metrics.data.total.elevatedFeelings.percent)}</dd>
            </div>
            <div>
              <dt>Responses</dt>
              <dd>{formatNumber(metrics.data.total.responses)}</dd>
            </div>
          </dl>
          <div className="trends">
            <NpsTrend points={metrics.data.series.map((s) => ({ label: s.period, score: s.nps.score, count: s.nps.count }))} />
            <TrendChart
              title="CSAT"
              points={metrics.data.series.map((s) => ({ label: s.period, value: s.csat.percent }))}
              format={percentFormat}
            />
            <TrendChart
              title="CES agree"
              points={metrics.data.series.map((s) => ({ label: s.period, value: s.ces.percentAgree }))}
              format={percentFormat}
            />
            <TrendChart
              title="Elevated feelings"
              points={metrics.data.series.map((s) => ({ label: s.period, value: s.elevatedFeelings.percent }))}
              format={percentFormat}
            />
          </div>
          <Section title="Breakdown" actions={<GroupingSelect value={by} onChange={setBy} groupings={GROUPINGS} />}>
            <DataTable
              caption={`Feedback by ${by}`}
              rows={metrics.data.groups}
              rowKey={(g) => g.value ?? 'none'}
              empty="No responses in this period."
              columns={[{ header: 'Group', cell: (g) => g.label }, ...figureColumns<FeedbackMetrics['groups'][number]>()]}
            />
          </Section>
        </>
      )}
      <div className="feedback-panels">
        <ThemesSection themes={themes} />
        <ScorecardsSection scorecards={scorecards} />
      </div>
    </Page>
  );
}
