import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { formatNumber } from '../components/format';
import { Page, Section } from '../components/page';
import { ErrorState, Loading } from '../components/states';
import { useResource } from '../components/use-resource';
import { formatDuration, formatRate, getMetrics } from './api';
import { TrendChart } from './trend-chart';
import type { ServiceMetrics } from './types';

const GROUPINGS = [
  ['channel', 'Channel'],
  ['team', 'Team'],
  ['agent', 'Agent'],
  ['job', 'Job'],
  ['product_line', 'Product line'],
] as const;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The service dashboard: speed, SLA attainment, one-touch and repeat contacts over the last quarter. */
export default function DashboardPage() {
  const [by, setBy] = useState<string>('channel');
  // The period is fixed when the page opens, so re-renders ask for the same one.
  const [now] = useState(() => Date.now());
  const to = day(now);
  const from = day(now - 90 * 86_400_000);
  const metrics = useResource<ServiceMetrics>(`service-metrics:${by}:${from}`, (signal) => getMetrics({ from, to, by }, signal));

  return (
    <Page title="Service" subtitle={`The last 90 days, ${from} to ${to}. Times are business time on each case's calendar.`}>
      {metrics.status === 'loading' && <Loading label="Loading service metrics…" />}
      {metrics.status === 'error' && <ErrorState error={metrics.error} onRetry={metrics.reload} />}
      {metrics.status === 'ready' && (
        <>
          <div className="trends">
            <TrendChart
              title="First response, median"
              points={metrics.data.series.map((s) => ({ label: s.period, value: s.firstResponse.medianSeconds }))}
              format={formatDuration}
            />
            <TrendChart
              title="Resolution, 90th percentile"
              points={metrics.data.series.map((s) => ({ label: s.period, value: s.resolution.p90Seconds }))}
              format={formatDuration}
            />
            <TrendChart
              title="SLA attainment"
              points={metrics.data.series.map((s) => ({ label: s.period, value: s.slaAttainment.overall }))}
              format={formatRate}
            />
            <TrendChart
              title="One-touch rate"
              points={metrics.data.series.map((s) => ({ label: s.period, value: s.oneTouchRate }))}
              format={formatRate}
            />
          </div>
          <Section
            title="Breakdown"
            actions={
              <label>
                By{' '}
                <select value={by} onChange={(event) => setBy(event.target.value)}>
                  {GROUPINGS.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </label>
            }
          >
            <DataTable
              caption={`Service metrics by ${by}`}
              rows={metrics.data.groups}
              rowKey={(g) => g.value ?? 'none'}
              empty="No interactions or cases in this period."
              columns={[
                { header: 'Group', cell: (g) => g.label },
                { header: 'Interactions', numeric: true, cell: (g) => formatNumber(g.interactions) },
                {
                  header: 'First response (median / p90)',
                  cell: (g) => `${formatDuration(g.firstResponse.medianSeconds)} / ${formatDuration(g.firstResponse.p90Seconds)}`,
                },
                {
                  header: 'Resolution (median / p90)',
                  cell: (g) => `${formatDuration(g.resolution.medianSeconds)} / ${formatDuration(g.resolution.p90Seconds)}`,
                },
                { header: 'SLA met', numeric: true, cell: (g) => formatRate(g.slaAttainment.overall) },
                { header: 'One touch', numeric: true, cell: (g) => formatRate(g.oneTouchRate) },
                { header: 'Repeat contact', numeric: true, cell: (g) => formatRate(g.repeatContactRate) },
                {
                  header: 'Complaints per 1,000 holders',
                  numeric: true,
                  cell: (g) => (g.complaintsPer1000Customers === null ? `${g.complaints}` : g.complaintsPer1000Customers.toFixed(1)),
                },
              ]}
            />
          </Section>
        </>
      )}
    </Page>
  );
}
