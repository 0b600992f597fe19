import { Link } from 'react-router';
import { CONSENT_CHANNELS } from '../../../src/customers/tables.js';
import type { Customer360 } from '../api-types';
import { Badge } from '../components/badge';
import { customerLabel, formatDateTime, humanize, phrase } from '../components/format';
import { Icon, type IconName } from '../components/icons';
import { Section } from '../components/page';

type Props = { data: Customer360 };

const IDENTITY_ICON: Record<string, IconName> = { email: 'mail', phone: 'phone' };
const IDENTITY_LABEL: Record<string, string> = { email: 'Email', phone: 'Phone', user_id: 'User id', anonymous_id: 'Anonymous id' };

export function IdentitiesPanel({ data }: Props) {
  return (
    <Section title="Identities">
      {data.identities.length === 0 ? (
        <p className="muted">No identities are known.</p>
      ) : (
        <dl className="identities">
          {data.identities.map((identity) => (
            <div key={`${identity.kind}:${identity.system ?? ''}:${identity.value}`} className="identity">
              <dt>
                <Icon name={IDENTITY_ICON[identity.kind] ?? 'id'} size={16} />
                {identity.kind === 'external' ? `${humanize(identity.system ?? 'external')} id` : IDENTITY_LABEL[identity.kind]}
              </dt>
              <dd className={identity.kind === 'email' || identity.kind === 'phone' ? undefined : 'mono'}>{identity.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {data.mergedFrom.length > 0 && (
        <p className="muted small">
          Merged from {data.mergedFrom.length} other {data.mergedFrom.length === 1 ? 'profile' : 'profiles'}.
        </p>
      )}
    </Section>
  );
}

export function HouseholdPanel({ data }: Props) {
  return (
    <Section title="Household">
      {data.households.length === 0 && <p className="muted">Not part of a household.</p>}
      {data.households.map((household) => (
        <div key={household.id} className="household">
          <p className="household__name">
            {household.name} <Badge>{humanize(household.kind)}</Badge>
          </p>
          <ul className="members" aria-label={`Members of ${household.name}`}>
            {household.members.map((member) => (
              <li key={member.customerId} className="member">
                {member.customerId === data.customer.id ? (
                  <span aria-current="page">
                    {customerLabel(member.displayName)} <span className="muted">(this customer)</span>
                  </span>
                ) : (
                  <Link to={`/customers/${member.customerId}`}>{customerLabel(member.displayName)}</Link>
                )}
                <Badge tone={member.role === 'owner' ? 'info' : member.role === 'payer' ? 'positive' : 'neutral'}>
                  {humanize(member.role)}
                </Badge>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </Section>
  );
}

export function PreferencesPanel({ data }: Props) {
  const preferences = data.customer.preferences;
  const rows: Array<[string, string | null]> = [
    ['Preferred channels', preferences.channels.length ? preferences.channels.map((c) => humanize(c)).join(', ') : null],
    ['Language', preferences.language],
    ['Time zone', preferences.timeZone],
    ['Quiet hours', preferences.quietHours ? `${preferences.quietHours.start}–${preferences.quietHours.end}` : null],
    [
      'Contact at most',
      preferences.contactCap
        ? `${preferences.contactCap.count} ${preferences.contactCap.count === 1 ? 'time' : 'times'} in ${preferences.contactCap.days} days`
        : null,
    ],
  ];
  return (
    <Section title="Preferences">
      <dl className="facts">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd className={value ? undefined : 'muted'}>{value ?? 'Not set'}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}

const PURPOSES = ['service', 'marketing', 'surveys', 'profiling'];

/** Current consent per purpose (rows) and channel (columns); no entry means no consent. */
export function ConsentPanel({ data }: Props) {
  const current = new Map(data.consent.map((entry) => [`${entry.purpose}:${entry.channel}`, entry]));
  // Channels with any entry first; the rest are folded into one note to keep the grid narrow.
  const channels = CONSENT_CHANNELS.filter((channel) => data.consent.some((entry) => entry.channel === channel));
  return (
    <Section title="Consent">
      {channels.length === 0 ? (
        <p className="muted">No consent recorded: Rapport contacts this customer for nothing.</p>
      ) : (
        <div className="table-wrap">
          <table className="table consent">
            <caption className="visually-hidden">Consent per purpose and channel</caption>
            <thead>
              <tr>
                <th scope="col">Purpose</th>
                {channels.map((channel) => (
                  <th key={channel} scope="col">
                    {humanize(channel)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {PURPOSES.map((purpose) => (
                <tr key={purpose}>
                  <th scope="row">{humanize(purpose)}</th>
                  {channels.map((channel) => {
                    const entry = current.get(`${purpose}:${channel}`);
                    const title = entry
                      ? `${humanize(entry.status)} ${formatDateTime(entry.recordedAt)} via ${entry.source}`
                      : 'Never asked';
                    return (
                      <td key={channel} title={title}>
                        <ConsentMark status={entry?.status} />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {channels.length > 0 && channels.length < CONSENT_CHANNELS.length && (
        <p className="muted small">
          No consent by{' '}
          {CONSENT_CHANNELS.filter((c) => !channels.includes(c))
            .map((c) => phrase(c))
            .join(', ')}
          .
        </p>
      )}
    </Section>
  );
}

function ConsentMark({ status }: { status: string | undefined }) {
  if (status === 'granted') return <span className="consent__mark consent__mark--granted">✓ Yes</span>;
  if (status === 'withdrawn') return <span className="consent__mark consent__mark--withdrawn">✕ No</span>;
  return (
    <span className="consent__mark">
      –<span className="visually-hidden">not asked</span>
    </span>
  );
}
