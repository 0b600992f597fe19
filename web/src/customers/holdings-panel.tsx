import { Link } from 'react-router';
import type { Customer360, HoldingView } from '../api-types';
import { Badge, type Tone } from '../components/badge';
import { formatDataMb, formatDate, formatNumber, formatPrice, formatTenure, humanize } from '../components/format';
import { Meter } from '../components/meter';
import { Section } from '../components/page';

const STATUS_TONE: Record<string, Tone> = { active: 'positive', suspended: 'warning', ended: 'neutral', cancelled: 'neutral' };

/** Everything the customer holds or pays for, grouped by product line. */
export function HoldingsPanel({ data }: { data: Customer360 }) {
  const lines = new Map<string, { name: string; holdings: HoldingView[] }>();
  for (const holding of data.holdings) {
    const line = lines.get(holding.productLine.id) ?? { name: holding.productLine.name, holdings: [] };
    line.holdings.push(holding);
    lines.set(holding.productLine.id, line);
  }
  return (
    <Section title="Products and services" id="holdings">
      {lines.size === 0 && <p className="muted">This customer holds nothing yet.</p>}
      {[...lines].map(([lineId, line]) => (
        <div key={lineId} className="product-line">
          <h3 className="card__subtitle">{line.name}</h3>
          <div className="holdings">
            {line.holdings.map((holding) => (
              <HoldingCard key={holding.id} holding={holding} customerId={data.customer.id} />
            ))}
          </div>
        </div>
      ))}
    </Section>
  );
}

function HoldingCard({ holding, customerId }: { holding: HoldingView; customerId: string }) {
  const usage = holding.latestUsage;
  const allowances = holding.plan?.allowances;
  return (
    <article className="holding" aria-label={`${holding.product.name}: ${holding.plan?.name ?? 'no plan'}`}>
      <header className="holding__header">
        <div>
          <p className="holding__product">{holding.product.name}</p>
          <p className="holding__plan">{holding.plan?.name ?? 'No plan'}</p>
        </div>
        <div className="holding__price">
          {formatPrice(holding.price, holding.plan?.billingPeriod)}
          <Badge tone={STATUS_TONE[holding.status] ?? 'neutral'}>{humanize(holding.status)}</Badge>
        </div>
      </header>
      <dl className="holding__facts">
        <div>
          <dt>Tenure</dt>
          <dd>{formatTenure(holding.tenureMonths)}</dd>
        </div>
        <div>
          <dt>Since</dt>
          <dd>{formatDate(holding.startedAt)}</dd>
        </div>
        {holding.externalRef && (
          <div>
            <dt>Reference</dt>
            <dd className="mono">{holding.externalRef}</dd>
          </div>
        )}
        {holding.relationship === 'payer' && (
          <div>
            <dt>Used by</dt>
            <dd>
              <Link to={`/customers/${holding.holder.customerId}`}>{holding.holder.displayName ?? holding.holder.customerId}</Link>
            </dd>
          </div>
        )}
        {holding.relationship === 'holder' && holding.payer && holding.payer.customerId !== customerId && (
          <div>
            <dt>Paid by</dt>
            <dd>
              <Link to={`/customers/${holding.payer.customerId}`}>{holding.payer.displayName ?? holding.payer.customerId}</Link>
            </dd>
          </div>
        )}
      </dl>
      {usage && allowances ? (
        <div className="holding__usage">
          <p className="holding__period">
            Usage {formatDate(usage.periodStart)} – {formatDate(usage.periodEnd)}
          </p>
          {(usage.dataMb > 0 || allowances.dataMb !== null) && (
            <Meter label="Data" value={usage.dataMb} max={allowances.dataMb} format={formatDataMb} />
          )}
          {(usage.minutes > 0 || allowances.minutes !== null) && (
            <Meter label="Minutes" value={usage.minutes} max={allowances.minutes} format={formatNumber} />
          )}
          {(usage.texts > 0 || allowances.texts !== null) && (
            <Meter label="Texts" value={usage.texts} max={allowances.texts} format={formatNumber} />
          )}
        </div>
      ) : (
        <p className="muted small">No usage recorded yet.</p>
      )}
    </article>
  );
}
