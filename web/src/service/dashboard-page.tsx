import { useState } from 'react';
import { GroupingSelect, useRecentPeriod } from '../components/breakdown';
import { DataTable } from '../components/data-table';
import { formatNumber } from '../components/format';
import { Page, Section } from '../components/page';
import { ResourceStatus } from '../components/states';
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

/** The service dashboard: speed, SLA attainment, one-touch and repeat contacts over the last quarter. */
export default function DashboardPage() {
  const [by, setBy] = useState<string>('channel');
  const { from, to } = useRecentPeriod(90);
  const metrics = useResource<ServiceMetrics>(`service-metrics:${by}:${from}`, (signal) => getMetrics({ from, to, by }, signal));

  return (
    <Page title="Service" subtitle={`The last 90 days, ${from} to ${to}. Times are business time on each case's calendar.`}>
      <ResourceStatus resource={metrics} loading="Loading service metrics…" />
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
          <Section title="Breakdown" actions={<GroupingSelect value={by} onChange={setBy} groupings={GROUPINGS} />}>
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
