import { api, segment } from '../api';
import type { HoldingView } from '../api-types';
import { BarChart } from '../components/bar-chart';
import { formatDataMb, formatNumber } from '../components/format';
import { ErrorState, Loading } from '../components/states';
import { useResource } from '../components/use-resource';

interface UsagePeriod {
  periodStart: string;
  periodEnd: string;
  dataMb: number;
  minutes: number;
  texts: number;
}

const MONTH = new Intl.DateTimeFormat(undefined, { month: 'short' });

/** The last twelve periods of a holding's usage against its allowance: data when the plan has data, else minutes. */
export function UsageHistory({ holding }: { holding: HoldingView }) {
  const usage = useResource<UsagePeriod[]>(`usage:${holding.id}`, (signal) =>
    api.get<{ data: UsagePeriod[] }>(`/holdings/${segment(holding.id)}/usage`, { query: { limit: 12 }, signal }).then((body) => body.data),
  );
  if (usage.status === 'loading') return <Loading label="Loading usage…" />;
  if (usage.status === 'error') return <ErrorState error={usage.error} onRetry={usage.reload} />;
  if (usage.data.length === 0) return <p className="muted small">No usage recorded yet.</p>;
  const periods = [...usage.data].reverse();
  const byData = periods.some((period) => period.dataMb > 0) || holding.plan?.allowances.dataMb != null;
  const label = (period: UsagePeriod) => MONTH.format(new Date(`${period.periodStart}T00:00:00Z`));
  return byData ? (
    <BarChart
      title="Data used per month"
      data={periods.map((period) => ({ label: label(period), value: period.dataMb }))}
      format={formatDataMb}
      limit={holding.plan?.allowances.dataMb ?? null}
      limitLabel="allowance"
    />
  ) : (
    <BarChart
      title="Minutes used per month"
      data={periods.map((period) => ({ label: label(period), value: period.minutes }))}
      format={formatNumber}
      limit={holding.plan?.allowances.minutes ?? null}
      limitLabel="allowance"
    />
  );
}
