import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge, type Tone } from '../components/badge';
import { DataTable } from '../components/data-table';
import { formatDateTime, humanize } from '../components/format';
import { Page, Section } from '../components/page';
import { ResourceStatus } from '../components/states';
import { useResource } from '../components/use-resource';
import { listCases, type InboxView } from './api';
import type { Case } from './types';

const VIEWS: Array<{ view: InboxView; label: string; empty: string }> = [
  { view: 'mine', label: 'Mine', empty: 'No live cases are assigned to you.' },
  { view: 'team', label: 'My teams', empty: 'Your teams have no live cases.' },
  { view: 'breaching', label: 'About to breach', empty: 'Nothing is due in the next four hours.' },
];

export const STATE_TONE: Record<string, Tone> = {
  open: 'info',
  assigned: 'info',
  responded: 'neutral',
  pending: 'neutral',
  resolved: 'positive',
  reopened: 'warning',
  closed: 'neutral',
};

/** The next due instant of a live case: first response until answered, then resolution. */
export function nextDue(c: Case): { label: string; at: string | null; breached: boolean } {
  if (!c.firstRespondedAt) return { label: 'First response', at: c.firstResponseDueAt, breached: c.firstResponseBreachedAt !== null };
  return { label: 'Resolution', at: c.resolutionDueAt, breached: c.resolutionBreachedAt !== null };
}

export function DueCell({ c }: { c: Case }) {
  const [now] = useState(() => Date.now());
  const due = nextDue(c);
  if (!due.at) return <span className="muted">No target</span>;
  const late = due.breached || new Date(due.at).getTime() < now;
  return (
    <span>
      {due.label} {formatDateTime(due.at)} {late && <Badge tone="negative">Breached</Badge>}
    </span>
  );
}

/** An agent's inbox: their cases, their teams' cases, and those about to breach, soonest due first. */
export default function InboxPage() {
  const [params, setParams] = useSearchParams();
  const view = (VIEWS.find((v) => v.view === params.get('view'))?.view ?? 'mine') as InboxView;
  const cases = useResource<Case[]>(`cases:${view}`, (signal) => listCases(view, signal));
  const current = VIEWS.find((v) => v.view === view) ?? VIEWS[0];

  return (
    <Page title="Inbox" subtitle="Live cases, the one due soonest first.">
      <div className="chips" role="group" aria-label="Which cases">
        {VIEWS.map((v) => (
          <button key={v.view} type="button" className="chip" aria-pressed={v.view === view} onClick={() => setParams({ view: v.view })}>
            {v.label}
          </button>
        ))}
      </div>
      <Section title={current?.label ?? 'Cases'}>
        <ResourceStatus resource={cases} loading="Loading cases…" />
        {cases.status === 'ready' && (
          <DataTable
            caption={`Cases: ${current?.label}`}
            rows={cases.data}
            rowKey={(c) => c.id}
            empty={current?.empty}
            columns={[
              { header: 'Case', cell: (c) => <Link to={`/cases/${c.id}`}>{c.subject}</Link> },
              { header: 'State', cell: (c) => <Badge tone={STATE_TONE[c.state] ?? 'neutral'}>{humanize(c.state)}</Badge> },
              { header: 'Priority', cell: (c) => humanize(c.priority) },
              { header: 'Channel', cell: (c) => humanize(c.channel) },
              { header: 'Due', cell: (c) => <DueCell c={c} /> },
              { header: 'Complaint', cell: (c) => (c.complaint ? <Badge tone="warning">{c.complaintCategory ?? 'Complaint'}</Badge> : '') },
            ]}
          />
        )}
      </Section>
    </Page>
  );
}
