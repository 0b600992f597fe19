import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { TimelineEntry } from '../api-types';
import type { Tone } from '../components/badge';
import { formatMoney, humanize, phrase } from '../components/format';
import type { IconName } from '../components/icons';

/**
 * How each kind of timeline entry looks: its name, icon, colour and a one-line summary of
 * the entry's `data`. A capability that adds a TimelineSource on the server (`timeline` in
 * its src/<capability>/customer-data.ts) adds its kind here; a kind missing here still
 * shows, through the generic fallback at the bottom.
 */
export interface TimelineKind {
  /** Plural, for the filter: "Transactions". */
  label: string;
  icon: IconName;
  tone: Tone;
  /** The headline: what happened, in a few words. */
  title(entry: TimelineEntry): ReactNode;
  /** Details under the headline, or nothing. */
  detail?(entry: TimelineEntry): ReactNode;
}

/** Reads a field of an entry's data that may be absent or of another type. */
export function field(entry: TimelineEntry, key: string): string | null {
  const value = entry.data[key];
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

function money(entry: TimelineEntry, amountKey: string): string | null {
  const amount = entry.data[amountKey];
  const currency = entry.data.currency;
  return typeof amount === 'number' && typeof currency === 'string' ? formatMoney({ amountMinor: amount, currency }) : null;
}

export const TIMELINE_KINDS: Record<string, TimelineKind> = {
  transaction: {
    label: 'Transactions',
    icon: 'receipt',
    tone: 'neutral',
    title: (entry) => `${humanize(entry.action)}${money(entry, 'amountMinor') ? ` of ${money(entry, 'amountMinor')}` : ''}`,
    detail: (entry) => field(entry, 'description'),
  },
  event: {
    label: 'Events',
    icon: 'bolt',
    tone: 'info',
    title: (entry) => field(entry, 'name') ?? humanize(entry.action),
    detail: (entry) => {
      const source = field(entry, 'source');
      return [humanize(entry.action), source ? `via ${source}` : null].filter(Boolean).join(' · ');
    },
  },
  consent: {
    label: 'Consent',
    icon: 'shield',
    tone: 'neutral',
    title: (entry) =>
      `${humanize(field(entry, 'purpose') ?? 'consent')} by ${phrase(field(entry, 'channel') ?? 'any channel')} ${entry.action}`,
    detail: (entry) => (field(entry, 'source') ? `Recorded from ${field(entry, 'source')}` : null),
  },
  holding: {
    label: 'Products',
    icon: 'box',
    tone: 'positive',
    title: (entry) => `Started ${field(entry, 'productName') ?? 'a product'}`,
    detail: (entry) =>
      [money(entry, 'priceMinor'), field(entry, 'channel') ? `through ${phrase(field(entry, 'channel') ?? '')}` : null]
        .filter(Boolean)
        .join(' · '),
  },
  merge: {
    label: 'Merges',
    icon: 'merge',
    tone: 'warning',
    title: () => 'Another profile was merged into this one',
    detail: (entry) => {
      const merged = field(entry, 'mergedId');
      return (
        <>
          {humanize(entry.action)}
          {merged && (
            <>
              {' · '}
              <Link to={`/customers/${merged}`}>{merged}</Link>
            </>
          )}
        </>
      );
    },
  },
  message: {
    label: 'Messages',
    icon: 'mail',
    tone: 'info',
    title: (entry) =>
      entry.action === 'unsubscribed'
        ? `Unsubscribed from ${phrase(field(entry, 'purpose') ?? 'messages')} by ${phrase(field(entry, 'channel') ?? 'this channel')}`
        : `${humanize(field(entry, 'purpose') ?? 'message')} ${field(entry, 'channel') ? `by ${phrase(field(entry, 'channel') ?? '')}` : 'message'}: ${phrase(entry.action)}`,
    detail: (entry) =>
      [field(entry, 'subject'), field(entry, 'reason') ? `(${phrase(field(entry, 'reason') ?? '')})` : null].filter(Boolean).join(' '),
  },
  interaction: {
    label: 'Interactions',
    icon: 'message',
    tone: 'info',
    title: (entry) =>
      `${humanize(entry.action)} ${phrase(field(entry, 'channel') ?? 'contact')}${field(entry, 'jobName') ? `: ${field(entry, 'jobName')}` : ''}`,
    detail: (entry) => {
      const caseId = field(entry, 'caseId');
      return (
        <>
          {[field(entry, 'outcome'), field(entry, 'note')].filter(Boolean).join(' · ')}
          {caseId && (
            <>
              {' · '}
              <Link to={`/cases/${caseId}`}>Case</Link>
            </>
          )}
        </>
      );
    },
  },
  case: {
    label: 'Cases',
    icon: 'inbox',
    tone: 'warning',
    title: (entry) => (
      <Link to={`/cases/${entry.id}`}>
        {field(entry, 'subject') ?? 'A case'} ({humanize(entry.action)})
      </Link>
    ),
    detail: (entry) =>
      [
        humanize(field(entry, 'priority') ?? ''),
        `by ${phrase(field(entry, 'channel') ?? '')}`,
        entry.data.complaint === true ? 'complaint' : null,
      ]
        .filter(Boolean)
        .join(' · '),
  },
  goodwill: {
    label: 'Goodwill',
    icon: 'gift',
    tone: 'positive',
    title: (entry) =>
      `${humanize(field(entry, 'kind') ?? 'Gesture')} of ${money(entry, 'amountMinor') ?? 'some value'} (${phrase(entry.action)})`,
    detail: (entry) => field(entry, 'reason'),
  },
  survey_invitation: {
    label: 'Survey invitations',
    icon: 'mail',
    tone: 'neutral',
    title: (entry) =>
      entry.action === 'suppressed'
        ? `Survey not sent: ${field(entry, 'surveyName') ?? 'a survey'}`
        : `Invited to ${field(entry, 'surveyName') ?? 'a survey'}`,
    detail: (entry) =>
      [
        field(entry, 'reason') ? phrase(field(entry, 'reason') ?? '') : null,
        field(entry, 'followUpCaseId') ? 're-survey after a follow-up' : null,
        field(entry, 'openedAt') ? 'opened' : null,
      ]
        .filter(Boolean)
        .join(' · '),
  },
  survey_response: {
    label: 'Survey responses',
    icon: 'star',
    tone: 'info',
    title: (entry) => {
      const scores = [
        field(entry, 'nps') ? `NPS ${field(entry, 'nps')}` : null,
        field(entry, 'csat') ? `CSAT ${field(entry, 'csat')}` : null,
        field(entry, 'ces') ? `CES ${field(entry, 'ces')}` : null,
      ].filter(Boolean);
      return `Answered ${field(entry, 'surveyName') ?? 'a survey'}${scores.length ? ` (${scores.join(', ')})` : ''}${entry.action === 'partial' ? ', in part' : ''}`;
    },
    detail: (entry) => {
      const comment = field(entry, 'comment');
      const label = field(entry, 'sentimentLabel');
      return comment ? `“${comment}”${label ? ` · ${label}` : ''}` : null;
    },
  },
  follow_up: {
    label: 'Follow-ups',
    icon: 'phone',
    tone: 'warning',
    title: (entry) => {
      const caseId = field(entry, 'caseId');
      return (
        <>
          {entry.action === 'resolved' ? 'Followed up after an unhappy answer' : 'Follow-up opened after an unhappy answer'}
          {caseId && (
            <>
              {' · '}
              <Link to={`/cases/${caseId}`}>Case</Link>
            </>
          )}
        </>
      );
    },
    detail: (entry) => field(entry, 'outcome'),
  },
  points: {
    label: 'Points',
    icon: 'star',
    tone: 'positive',
    title: (entry) => {
      const points = Number(entry.data.points ?? 0);
      return `${points > 0 ? '+' : ''}${points} points ${entry.action === 'earn' ? 'earned' : entry.action === 'redeem' ? 'spent' : entry.action === 'expire' ? 'expired' : 'adjusted'}`;
    },
    detail: (entry) => field(entry, 'reason'),
  },
  gift: {
    label: 'Gifts',
    icon: 'gift',
    tone: 'info',
    title: (entry) => `Gift ${entry.action}: ${field(entry, 'title') ?? humanize(field(entry, 'ruleKind') ?? 'gift')}`,
    detail: (entry) => {
      const value = money(entry, 'valueMinor');
      return [
        humanize(field(entry, 'ruleKind') ?? ''),
        value && value !== formatMoney({ amountMinor: 0, currency: String(entry.data.currency) }) ? value : null,
      ]
        .filter(Boolean)
        .join(' · ');
    },
  },
};

/** A kind this app does not know yet: named after the kind and its action, with its data's plain fields. */
function genericKind(kind: string): TimelineKind {
  return {
    label: humanize(kind),
    icon: 'dot',
    tone: 'neutral',
    title: (entry) => `${humanize(kind)}: ${phrase(entry.action)}`,
    detail: (entry) =>
      Object.entries(entry.data)
        .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
        .slice(0, 4)
        .map(([key, value]) => `${humanize(key)}: ${String(value)}`)
        .join(' · '),
  };
}

export function timelineKind(kind: string): TimelineKind {
  return TIMELINE_KINDS[kind] ?? genericKind(kind);
}
