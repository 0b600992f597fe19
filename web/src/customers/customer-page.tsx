import { useEffect } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Customer360 } from '../api-types';
import { customerLabel, formatDate, formatMoney } from '../components/format';
import { Icon } from '../components/icons';
import { Page } from '../components/page';
import { ErrorState, Loading } from '../components/states';
import { useResource } from '../components/use-resource';
import { getCustomer360 } from './api';
import { HoldingsPanel } from './holdings-panel';
import { panelsFor } from './panels';
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
  const name = customerLabel(data.customer.displayName);
  return (
    <Page title={name} subtitle={<Summary data={data} />} actions={<BackToSearch />}>
      <div className="c360">
        <div className="c360__side">
          <IdentitiesPanel data={data} />
          <HouseholdPanel data={data} />
          <PreferencesPanel data={data} />
          <ConsentPanel data={data} />
          {panelsFor('side').map((panel) => (
            <panel.component key={panel.key} data={data} />
          ))}
        </div>
        <div className="c360__main">
          <HoldingsPanel data={data} />
          {panelsFor('main').map((panel) => (
            <panel.component key={panel.key} data={data} />
          ))}
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

/** One line under the name: id, customer since, what they hold and what they pay each month. */
function Summary({ data }: { data: Customer360 }) {
  const id = data.customer.id;
  const active = data.holdings.filter((holding) => holding.status === 'active');
  const held = active.filter((holding) => holding.relationship === 'holder');
  const paidForOthers = active.filter((holding) => holding.relationship === 'payer');
  // What this customer pays: their own lines nobody else pays for, and the lines they pay for others.
  const monthly = new Map<string, number>();
  for (const holding of active) {
    const pays = holding.relationship === 'payer' || !holding.payer || holding.payer.customerId === id;
    if (!pays || holding.plan?.billingPeriod !== 'month') continue;
    monthly.set(holding.price.currency, (monthly.get(holding.price.currency) ?? 0) + holding.price.amountMinor);
  }
  const lines = [...new Set(held.map((holding) => holding.productLine.name))];
  return (
    <span className="summary">
      <span className="mono">{id}</span>
      <span>Customer since {formatDate(data.customer.createdAt)}</span>
      <span>
        {held.length} active {held.length === 1 ? 'product' : 'products'}
        {lines.length > 0 && ` across ${lines.join(' and ')}`}
        {paidForOthers.length > 0 && `, pays for ${paidForOthers.length} more`}
      </span>
      {[...monthly].map(([currency, amountMinor]) => (
        <span key={currency}>Pays {formatMoney({ amountMinor, currency })} a month</span>
      ))}
    </span>
  );
}
