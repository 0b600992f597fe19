import { useEffect } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Customer360 } from '../api-types';
import { formatDate, formatMoney } from '../components/format';
import { Icon } from '../components/icons';
import { Page } from '../components/page';
import { ErrorState, Loading } from '../components/states';
import { useResource } from '../components/use-resource';
import { getCustomer360 } from './api';
import { HoldingsPanel } from './holdings-panel';
import { ConsentPanel, HouseholdPanel, IdentitiesPanel, PreferencesPanel } from './profile-panels';
import { TimelinePanel } from './timeline-panel';

/** The customer 360: who they are, what they hold across every product line, and everything that happened. */
export default function CustomerPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const customer = useResource<Customer360>(`customer:${id}`, (signal) => getCustomer360(id, signal));

  // A merged profile answers with its survivor: show the survivor's address.
  const survivorId = customer.status === 'ready' ? customer.data.customer.id : null;
  useEffect(() => {
    if (survivorId && survivorId !== id) navigate(`/customers/${survivorId}`, { replace: true });
  }, [survivorId, id, navigate]);

  if (customer.status === 'loading') {
    return (
      <Page title="Customer">
        <Loading label="Loading the customer…" />
      </Page>
    );
  }
  if (customer.status === 'error') {
    return (
      <Page title="Customer" actions={<BackToSearch />}>
        <ErrorState error={customer.error} onRetry={customer.reload} />
      </Page>
    );
  }
  const data = customer.data;
  const name = data.customer.displayName ?? 'Unnamed customer';
  return (
    <Page title={name} subtitle={<Summary data={data} />} actions={<BackToSearch />}>
      <div className="c360">
        <div className="c360__side">
          <IdentitiesPanel data={data} />
          <HouseholdPanel data={data} />
          <PreferencesPanel data={data} />
          <ConsentPanel data={data} />
        </div>
        <div className="c360__main">
          <HoldingsPanel data={data} />
          <TimelinePanel customerId={data.customer.id} />
        </div>
      </div>
    </Page>
  );
}

function BackToSearch() {
  return (
    <Link to="/customers" className="button button--secondary">
      <Icon name="search" />
      Find another customer
    </Link>
  );
}

/** One line under the name: id, customer since, products and what they pay each month. */
function Summary({ data }: { data: Customer360 }) {
  const held = data.holdings.filter((holding) => holding.relationship === 'holder' && holding.status === 'active');
  const monthly = new Map<string, number>();
  for (const holding of held) {
    if (holding.plan?.billingPeriod !== 'month') continue;
    monthly.set(holding.price.currency, (monthly.get(holding.price.currency) ?? 0) + holding.price.amountMinor);
  }
  const lines = new Set(held.map((holding) => holding.productLine.name));
  return (
    <span className="summary">
      <span className="mono">{data.customer.id}</span>
      <span>Customer since {formatDate(data.customer.createdAt)}</span>
      <span>
        {held.length} active {held.length === 1 ? 'product' : 'products'}
        {lines.size > 0 && ` across ${[...lines].join(' and ')}`}
      </span>
      {[...monthly].map(([currency, amountMinor]) => (
        <span key={currency}>{formatMoney({ amountMinor, currency })} a month</span>
      ))}
    </span>
  );
}
