import { Link } from 'react-router';
import { DataTable } from '../components/data-table';
import { customerLabel, formatMoney, formatNumber, humanize } from '../components/format';
import { Page, Section } from '../components/page';
import { ResourceStatus } from '../components/states';
import { useResource } from '../components/use-resource';
import { getProgramme } from './api';

/** The loyalty programme: tiers, earning rules, rewards, and who pays a loyalty penalty. */
export default function LoyaltyPage() {
  const programme = useResource('loyalty-programme', (signal) => getProgramme(signal));
  return (
    <Page title="Loyalty" subtitle="Points, tiers and rewards, and the customers who pay more for staying.">
      <ResourceStatus resource={programme} loading="Loading the programme…" />
      {programme.status === 'ready' && (
        <>
          <Section title="Tiers">
            <p className="muted">
              Tiers follow the points earned in the last {programme.data.settings.tierWindowDays} days, not the balance; points expire{' '}
              {programme.data.settings.pointsExpiryDays} days after they are earned, oldest first.
            </p>
            <DataTable
              caption="Tiers"
              rows={programme.data.tiers}
              rowKey={(t) => t.id}
              empty="No tiers yet."
              columns={[
                { header: 'Tier', cell: (t) => t.name },
                { header: 'Points earned', numeric: true, cell: (t) => formatNumber(t.minPoints) },
                { header: 'Benefits', cell: (t) => t.benefits.join(' · ') },
              ]}
            />
          </Section>
          <Section title="Earning rules">
            <DataTable
              caption="Earning rules"
              rows={programme.data.rules}
              rowKey={(r) => r.id}
              empty="No earning rules yet."
              columns={[
                { header: 'Rule', cell: (r) => r.name },
                { header: 'For', cell: (r) => humanize(r.kind) },
                {
                  header: 'Points',
                  numeric: true,
                  cell: (r) => (r.pointsPerUnit > 0 ? `${r.pointsPerUnit} per unit spent` : formatNumber(r.points)),
                },
                { header: 'Active', cell: (r) => (r.active ? 'Yes' : 'No') },
              ]}
            />
          </Section>
          <Section title="Rewards">
            <DataTable
              caption="Rewards"
              rows={programme.data.rewards}
              rowKey={(r) => r.id}
              empty="No rewards yet."
              columns={[
                { header: 'Reward', cell: (r) => r.name },
                { header: 'Points', numeric: true, cell: (r) => formatNumber(r.costPoints) },
                { header: 'Worth', numeric: true, cell: (r) => formatMoney(r.value) },
                { header: 'Offered', cell: (r) => (r.active ? 'Yes' : 'No') },
              ]}
            />
          </Section>
          <Section title="Loyalty penalty">
            <p className="muted">
              {formatNumber(programme.data.penalty.customers)} customers pay more than a new customer would today for the same product
              {programme.data.penalty.yearlyExcessTotal.length > 0 &&
                `: ${programme.data.penalty.yearlyExcessTotal.map((m) => formatMoney(m)).join(', ')} a year in all`}
              .
            </p>
            <DataTable
              caption="Customers paying a loyalty penalty"
              rows={programme.data.penalty.data}
              rowKey={(r) => r.holdingId}
              empty="Nobody pays more than a new customer would."
              columns={[
                { header: 'Customer', cell: (r) => <Link to={`/customers/${r.customerId}`}>{customerLabel(r.customerName)}</Link> },
                { header: 'Plan', cell: (r) => `${r.planName}${r.planOnSale ? '' : ' (retired)'}` },
                { header: 'Pays', numeric: true, cell: (r) => formatMoney(r.paying) },
                {
                  header: 'New customer pays',
                  numeric: true,
                  cell: (r) => `${formatMoney(r.newCustomerPrice)} (${r.newCustomerPlanName})`,
                },
                { header: 'Over a year', numeric: true, cell: (r) => formatMoney(r.yearlyExcess) },
              ]}
            />
          </Section>
        </>
      )}
    </Page>
  );
}
