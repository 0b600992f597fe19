import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { formatDateTime, humanize } from '../components/format';
import { Page, Section } from '../components/page';
import { ErrorState, Loading } from '../components/states';
import { useResource } from '../components/use-resource';
import { useCan } from '../session/permissions';
import { actOnCase, formatDuration, getCase } from './api';
import { DueCell, STATE_TONE } from './inbox-page';
import type { CaseDetail } from './types';

/** Actions offered per state; the server is the judge and answers a stale one with 409. */
const ACTIONS: Record<string, string[]> = {
  open: ['assign', 'respond', 'resolve'],
  assigned: ['respond', 'pending', 'resolve'],
  responded: ['pending', 'resolve'],
  pending: ['respond', 'resolve'],
  reopened: ['respond', 'pending', 'resolve'],
  resolved: ['reopen', 'close'],
  closed: [],
};
const ACTION_LABEL: Record<string, string> = {
  assign: 'Take it',
  respond: 'Mark responded',
  pending: 'Wait for customer',
  resolve: 'Resolve',
  reopen: 'Reopen',
  close: 'Close',
};

/** One case: its state and due times, the actions it allows, its interactions and its history. */
export default function CasePage() {
  const { id = '' } = useParams();
  const mayWork = useCan()('canWorkCases');
  const detail = useResource<CaseDetail>(`case:${id}`, (signal) => getCase(id, signal));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  if (detail.status === 'loading') return <Loading label="Loading the case…" />;
  if (detail.status === 'error') return <ErrorState error={detail.error} onRetry={detail.reload} />;
  const c = detail.data;

  async function act(action: string) {
    setBusy(true);
    setProblem(null);
    try {
      await actOnCase(c.id, action);
      detail.reload();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page
      title={c.subject}
      subtitle={
        <>
          <Badge tone={STATE_TONE[c.state] ?? 'neutral'}>{humanize(c.state)}</Badge> {humanize(c.priority)} priority · opened{' '}
          {formatDateTime(c.openedAt)} by {humanize(c.channel)} · <Link to={`/customers/${c.customerId}`}>Customer</Link>
          {c.complaint && (
            <>
              {' '}
              <Badge tone="warning">Complaint{c.complaintCategory ? `: ${c.complaintCategory}` : ''}</Badge>
            </>
          )}
        </>
      }
      actions={
        mayWork &&
        (ACTIONS[c.state] ?? []).map((action) => (
          <button
            {...mayWork}
            key={action}
            type="button"
            className="button button--secondary"
            disabled={busy}
            onClick={() => void act(action)}
          >
            {ACTION_LABEL[action] ?? humanize(action)}
          </button>
        ))
      }
    >
      {problem && (
        <p role="alert" className="state state--error">
          {problem}
        </p>
      )}
      <Section title="Speed and effort">
        <dl className="facts">
          <dt>Next due</dt>
          <dd>{c.state === 'resolved' || c.state === 'closed' ? 'Done' : <DueCell c={c} />}</dd>
          <dt>First response</dt>
          <dd>{formatDuration(c.firstResponseSeconds)} (business time)</dd>
          <dt>Resolution</dt>
          <dd>{formatDuration(c.resolutionSeconds)} (business time)</dd>
          <dt>Effort score</dt>
          <dd>
            {c.effort.score} · {c.effort.contacts} contacts, {c.effort.channelSwitches} channel switches, {c.effort.transfers} transfers
            {c.effort.oneTouch && ' · one touch'}
            {c.effort.repeatContact && ' · came back within 7 days'}
          </dd>
        </dl>
      </Section>
      <Section title="Interactions">
        <DataTable
          caption="Interactions on this case"
          rows={c.interactions}
          rowKey={(i) => i.id}
          empty="No interactions recorded on this case yet."
          columns={[
            { header: 'When', cell: (i) => formatDateTime(i.startedAt) },
            { header: 'Channel', cell: (i) => `${humanize(i.channel)} (${i.direction})` },
            { header: 'Outcome', cell: (i) => i.outcome ?? '' },
            { header: 'Note', cell: (i) => i.note ?? '' },
          ]}
        />
      </Section>
      <Section title="History">
        <DataTable
          caption="What happened to this case"
          rows={c.events}
          rowKey={(e) => e.id}
          columns={[
            { header: 'When', cell: (e) => formatDateTime(e.occurredAt) },
            { header: 'What', cell: (e) => (e.kind === 'breached' ? <Badge tone="negative">Breached</Badge> : humanize(e.kind)) },
            {
              header: 'State',
              cell: (e) => (e.toState ? `${e.fromState ? `${humanize(e.fromState)} → ` : ''}${humanize(e.toState)}` : ''),
            },
          ]}
        />
      </Section>
    </Page>
  );
}
