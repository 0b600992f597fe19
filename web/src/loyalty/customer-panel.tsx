import { useState } from 'react';
import type { Customer360, Gift } from '../api-types';
import { Badge, type Tone } from '../components/badge';
import { formatDate, formatMoney, formatNumber } from '../components/format';
import { Section } from '../components/page';
import { ErrorState, ResourceStatus } from '../components/states';
import { useResource } from '../components/use-resource';
import { decideGift, getCustomerGiving, RULE_LABEL } from '../giving/api';
import { useCan } from '../session/permissions';
import { getAccount } from './api';

export const GIFT_TONE: Record<string, Tone> = { offered: 'info', accepted: 'positive', declined: 'neutral', expired: 'warning' };

/** Points, tier and the gifts given back to the customer, with their outcomes, on the 360. */
export function LoyaltyPanel({ data }: { data: Customer360 }) {
  const customerId = data.customer.id;
  const account = useResource(`loyalty:${customerId}`, (signal) => getAccount(customerId, signal));
  const giving = useResource(`giving:${customerId}`, (signal) => getCustomerGiving(customerId, signal));
  return (
    <Section title="Loyalty and gifts" id="loyalty">
      <ResourceStatus resource={account} loading="Loading points…" />
      {account.status === 'ready' && (
        <dl className="loyalty-stats">
          <div>
            <dt>Points</dt>
            <dd>{formatNumber(account.data.balance)}</dd>
          </div>
          <div>
            <dt>Tier</dt>
            <dd>{account.data.tier?.name ?? 'None yet'}</dd>
          </div>
          <div>
            <dt>Earned in {account.data.windowDays} days</dt>
            <dd>{formatNumber(account.data.earnedInWindow)}</dd>
          </div>
          <div>
            <dt>Next tier</dt>
            <dd>
              {account.data.nextTier
                ? `${account.data.nextTier.tier.name}: ${formatNumber(account.data.nextTier.pointsNeeded)} to go`
                : 'Top tier'}
            </dd>
          </div>
          {account.data.expiringSoon > 0 && (
            <div>
              <dt>Expiring in 30 days</dt>
              <dd>{formatNumber(account.data.expiringSoon)}</dd>
            </div>
          )}
        </dl>
      )}
      <ResourceStatus resource={giving} loading="Loading gifts…" />
      {giving.status === 'ready' && (
        <>
          <p className="muted">
            Given back: {giving.data.valueGiven.length ? giving.data.valueGiven.map((m) => formatMoney(m)).join(', ') : 'nothing yet'}
            {giving.data.valueOffered.length > 0 && ` of ${giving.data.valueOffered.map((m) => formatMoney(m)).join(', ')} offered`}
          </p>
          {giving.data.gifts.length === 0 ? (
            <p className="muted">No gifts found for this customer yet.</p>
          ) : (
            <ul className="gift-list" aria-label="Gifts">
              {giving.data.gifts.map((gift) => (
                <GiftItem
                  key={gift.id}
                  gift={gift}
                  onDecided={() => {
                    giving.reload();
                    account.reload();
                  }}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </Section>
  );
}

function GiftItem({ gift, onDecided }: { gift: Gift; onDecided(): void }) {
  // Recording the customer's answer to an offer is for those who work with customers, not analysts.
  const mayDecide = useCan()('canWorkPoints');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function decide(decision: 'accept' | 'decline') {
    setBusy(true);
    setError(null);
    try {
      await decideGift(gift.id, decision);
      onDecided();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <li className="gift">
      <div className="gift__head">
        <span className="gift__title">{gift.title}</span>
        <Badge tone={GIFT_TONE[gift.status] ?? 'neutral'}>{gift.status}</Badge>
      </div>
      <div className="gift__meta muted">
        {RULE_LABEL[gift.ruleKind] ?? gift.ruleKind} · {gift.value.amountMinor > 0 ? formatMoney(gift.value) : 'an apology'} · offered{' '}
        {formatDate(gift.offeredAt)}
        {gift.status === 'offered'
          ? ` · open until ${formatDate(gift.expiresAt)}`
          : gift.decidedAt
            ? ` · ${gift.status} ${formatDate(gift.decidedAt)}`
            : ''}
      </div>
      {gift.status === 'offered' && mayDecide && (
        <div className="gift__actions" {...mayDecide}>
          <button type="button" className="button button--secondary" disabled={busy} onClick={() => void decide('accept')}>
            Customer accepts
          </button>
          <button type="button" className="button button--secondary" disabled={busy} onClick={() => void decide('decline')}>
            Customer declines
          </button>
        </div>
      )}
      {error !== null && <ErrorState error={error} />}
    </li>
  );
}
