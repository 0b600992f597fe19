import { useState } from 'react';
import { Link } from 'react-router';
import type { Money } from '../api-types';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { customerLabel, formatDate, formatDateTime, formatMoney, formatMonth, formatNumber } from '../components/format';
import { Page, Section } from '../components/page';
import { ErrorState, ResourceStatus } from '../components/states';
import { useResource } from '../components/use-resource';
import { GIFT_TONE } from '../loyalty/customer-panel';
import { useCan } from '../session/permissions';
import { getGiving, RULE_LABEL, runGivingNow } from './api';

const money = (values: Money[]) =>
  values.length ? values.map((m) => formatMoney(m)).join(', ') : formatMoney({ amountMinor: 0, currency: 'GBP' });
const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value * 1000) / 10}%`);

/**
 * How a run was started, in words: the engine records the worker that ran it (`api:<request>`
 * when someone asked for it here, `seed` for the demo data, host and process for the schedule).
 */
function startedBy(worker: string): string {
  if (worker.startsWith('api:')) return 'On request';
  if (worker === 'seed') return 'Demo data';
  return 'On schedule';
}

/** The giving ledger: value given back per rule and month, what followed, and the latest finds. */
export default function GivingPage() {
  const mayRun = useCan()('canManageLoyalty');
  const giving = useResource('giving', (signal) => getGiving(signal));
  const [running, setRunning] = useState<{ busy: boolean; error?: unknown; note?: string }>({ busy: false });

  async function run() {
    setRunning({ busy: true });
    try {
      const result = await runGivingNow();
      setRunning({ busy: false, note: `Found ${result.giftsCreated} new gifts across ${result.customersScanned} customers.` });
      giving.reload();
    } catch (error) {
      setRunning({ busy: false, error });
    }
  }

  const actions = mayRun && (
    <button {...mayRun} type="button" className="button button--secondary" onClick={() => void run()} disabled={running.busy}>
      {running.busy ? 'Running…' : 'Run the giving engine now'}
    </button>
  );
  return (
    <Page title="Giving" subtitle="Value given back to customers before they asked, and what it did for their loyalty." actions={actions}>
      {running.note && <p role="status">{running.note}</p>}
      {running.error !== undefined && <ErrorState error={running.error} />}
      <ResourceStatus resource={giving} loading="Loading the giving ledger…" />
      {giving.status === 'ready' && <Ledger data={giving.data} />}
    </Page>
  );
}

function Ledger({ data }: { data: Awaited<ReturnType<typeof getGiving>> }) {
  const { ledger } = data;
  const outcomes = ledger.outcomes;
  return (
    <>
      <div className="giving-totals">
        <div className="stat">
          <span className="stat__label">Given back</span>
          <span className="stat__value">{money(ledger.totals.valueGiven)}</span>
        </div>
        <div className="stat">
          <span className="stat__label">Offered</span>
          <span className="stat__value">{money(ledger.totals.valueOffered)}</span>
        </div>
        <div className="stat">
          <span className="stat__label">Gifts</span>
          <span className="stat__value">
            {formatNumber(ledger.totals.offered)} ({formatNumber(ledger.totals.accepted)} accepted, {formatNumber(ledger.totals.open)} open)
          </span>
        </div>
      </div>
      <Section title="What followed">
        <DataTable
          caption="Outcomes of recipients and non-recipients"
          rows={[
            { key: 'Customers who received gifts', ...outcomes.recipients },
            { key: 'Customers who did not', ...outcomes.nonRecipients },
          ]}
          rowKey={(r) => r.key}
          columns={[
            { header: 'Customers', cell: (r) => r.key },
            {
              header: `Still with us ${outcomes.retentionMonths} months on`,
              numeric: true,
              cell: (r) => `${percent(r.retention)} of ${formatNumber(r.base)}`,
            },
            { header: 'NPS', numeric: true, cell: (r) => (r.nps.nps === null ? '—' : `${r.nps.nps} ± ${r.nps.marginOfError}`) },
            { header: 'Answers', numeric: true, cell: (r) => formatNumber(r.nps.responses) },
          ]}
        />
      </Section>
      <Section title="Rule performance">
        <DataTable
          caption="Gifts per rule"
          rows={ledger.byRule}
          rowKey={(r) => r.ruleKind}
          empty="No gifts found in the last twelve months."
          columns={[
            { header: 'Rule', cell: (r) => RULE_LABEL[r.ruleKind] ?? r.ruleKind },
            { header: 'Found', numeric: true, cell: (r) => formatNumber(r.offered) },
            { header: 'Accepted', numeric: true, cell: (r) => formatNumber(r.accepted) },
            { header: 'Declined', numeric: true, cell: (r) => formatNumber(r.declined) },
            { header: 'Expired', numeric: true, cell: (r) => formatNumber(r.expired) },
            { header: 'Acceptance', numeric: true, cell: (r) => percent(r.acceptanceRate) },
            { header: 'Given back', numeric: true, cell: (r) => money(r.valueGiven) },
            { header: 'Retention', numeric: true, cell: (r) => percent(r.retention) },
          ]}
        />
      </Section>
      <Section title="By month">
        <DataTable
          caption="Gifts per month and rule"
          rows={[...ledger.byMonth].reverse()}
          rowKey={(r) => `${r.month}:${r.ruleKind}`}
          empty="No gifts yet."
          columns={[
            { header: 'Month', cell: (r) => formatMonth(r.month) },
            { header: 'Rule', cell: (r) => RULE_LABEL[r.ruleKind] ?? r.ruleKind },
            { header: 'Found', numeric: true, cell: (r) => formatNumber(r.offered) },
            { header: 'Accepted', numeric: true, cell: (r) => formatNumber(r.accepted) },
            { header: 'Offered', numeric: true, cell: (r) => money(r.valueOffered) },
            { header: 'Given back', numeric: true, cell: (r) => money(r.valueGiven) },
          ]}
        />
      </Section>
      <Section title="Latest finds">
        <DataTable
          caption="Latest gifts"
          rows={data.recent}
          rowKey={(g) => g.id}
          empty="The engine has found nothing yet."
          columns={[
            { header: 'Offered', cell: (g) => formatDate(g.offeredAt) },
            { header: 'Customer', cell: (g) => <Link to={`/customers/${g.customerId}`}>{customerLabel(g.customerName)}</Link> },
            { header: 'Gift', cell: (g) => g.title },
            { header: 'Value', numeric: true, cell: (g) => (g.value.amountMinor > 0 ? formatMoney(g.value) : 'apology') },
            { header: 'Status', cell: (g) => <Badge tone={GIFT_TONE[g.status] ?? 'neutral'}>{g.status}</Badge> },
          ]}
        />
      </Section>
      <Section title="Top customers">
        <DataTable
          caption="Customers given back the most"
          rows={ledger.topCustomers}
          rowKey={(c) => c.customerId}
          columns={[
            { header: 'Customer', cell: (c) => <Link to={`/customers/${c.customerId}`}>{customerLabel(c.customerName)}</Link> },
            { header: 'Gifts', numeric: true, cell: (c) => formatNumber(c.gifts) },
            { header: 'Given back', numeric: true, cell: (c) => money(c.valueGiven) },
          ]}
        />
      </Section>
      <Section title="Runs">
        <DataTable
          caption="Recent runs of the giving engine"
          rows={data.runs}
          rowKey={(r) => r.id}
          empty="The engine has not run yet."
          columns={[
            { header: 'Started', cell: (r) => formatDateTime(r.startedAt) },
            { header: 'Started by', cell: (r) => startedBy(r.worker) },
            { header: 'Customers', numeric: true, cell: (r) => formatNumber(r.customersScanned) },
            { header: 'New gifts', numeric: true, cell: (r) => formatNumber(r.giftsCreated) },
            { header: 'Expired', numeric: true, cell: (r) => formatNumber(r.giftsExpired) },
          ]}
        />
      </Section>
    </>
  );
}
