import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { Message } from '../api-types';
import { Badge, type Tone } from '../components/badge';
import { DataTable } from '../components/data-table';
import { customerLabel, formatDateTime, humanize } from '../components/format';
import { Page, Section } from '../components/page';
import { ErrorState, ResourceStatus } from '../components/states';
import { useResource } from '../components/use-resource';
import { useCan } from '../session/permissions';
import { countMessages, listMessages, MESSAGE_STATUSES } from './api';
import { isOutcomeUnknown, RequeueDialog } from './requeue-dialog';

export const STATUS_TONE: Record<string, Tone> = {
  queued: 'info',
  sending: 'info',
  sent: 'positive',
  delivered: 'positive',
  failed: 'negative',
  suppressed: 'warning',
};

/** A status in words with its colour; a suppressed or failed message says why. */
export function StatusBadge({ message }: { message: Pick<Message, 'status' | 'reason'> }) {
  return (
    <Badge tone={STATUS_TONE[message.status] ?? 'neutral'}>
      {humanize(message.status)}
      {message.reason ? `: ${humanize(message.reason)}` : ''}
    </Badge>
  );
}

/** The outbox: every message, newest first, filtered by status, with counts per status. */
export default function OutboxPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  // Only admins may send an email of unknown outcome again (the API checks it too).
  const mayRequeue = useCan()('canRequeueMessages');
  const [confirming, setConfirming] = useState<Message | null>(null);
  const [requeued, setRequeued] = useState<Message | null>(null);
  const counts = useResource('message-counts', (signal) => countMessages(signal));
  const first = useResource(`messages:${status}`, (signal) => listMessages({ status: status || undefined }, signal));
  const [more, setMore] = useState<{ key: string; rows: Message[]; cursor: string | null; loading: boolean; error?: unknown }>({
    key: '',
    rows: [],
    cursor: null,
    loading: false,
  });
  const extra = more.key === status ? more : { key: status, rows: [], cursor: null, loading: false };
  const cursor = extra.rows.length ? extra.cursor : first.status === 'ready' ? first.data.nextCursor : null;

  async function loadMore() {
    if (!cursor) return;
    setMore({ ...extra, loading: true });
    try {
      const page = await listMessages({ status: status || undefined, before: cursor });
      setMore({ key: status, rows: [...extra.rows, ...page.data], cursor: page.nextCursor, loading: false });
    } catch (error) {
      setMore({ ...extra, loading: false, error });
    }
  }

  function afterRequeue(message: Message) {
    setConfirming(null);
    setRequeued(message);
    setMore({ key: '', rows: [], cursor: null, loading: false });
    first.reload();
    counts.reload();
  }

  const total = counts.status === 'ready' ? Object.values(counts.data).reduce((a, b) => a + b, 0) : null;
  return (
    <Page title="Outbox" subtitle="Every message to customers: where it went, and whether it arrived.">
      <div className="chips" role="group" aria-label="Filter by status">
        <button type="button" className="chip" aria-pressed={status === ''} onClick={() => setParams({})}>
          All{total !== null ? ` (${total})` : ''}
        </button>
        {MESSAGE_STATUSES.map((s) => (
          <button key={s} type="button" className="chip" aria-pressed={status === s} onClick={() => setParams({ status: s })}>
            {humanize(s)}
            {counts.status === 'ready' ? ` (${counts.data[s] ?? 0})` : ''}
          </button>
        ))}
      </div>
      {requeued && (
        <p role="status" className="form__ok outbox__note">
          Queued again: “{requeued.subject ?? requeued.id}”.
        </p>
      )}
      <Section title={status ? `${humanize(status)} messages` : 'All messages'}>
        <ResourceStatus resource={first} loading="Loading messages…" />
        {first.status === 'ready' && (
          <>
            <DataTable
              caption="Messages"
              rows={[...first.data.data, ...extra.rows]}
              rowKey={(m) => m.id}
              empty={status ? `No ${status} messages.` : 'No messages yet.'}
              columns={[
                { header: 'Queued', cell: (m) => formatDateTime(m.createdAt) },
                { header: 'Customer', cell: (m) => <Link to={`/customers/${m.customerId}`}>{customerLabel(m.customerName)}</Link> },
                { header: 'Purpose', cell: (m) => humanize(m.purpose) },
                { header: 'Channel', cell: (m) => (m.channel ? humanize(m.channel) : '—') },
                { header: 'Subject', cell: (m) => m.subject ?? <span className="muted">erased</span> },
                {
                  header: 'Status',
                  cell: (m) =>
                    mayRequeue && isOutcomeUnknown(m) ? (
                      <span className="status-cell">
                        <StatusBadge message={m} />
                        <button
                          {...mayRequeue}
                          type="button"
                          className="button button--secondary"
                          aria-label={`Send “${m.subject ?? m.id}” again`}
                          onClick={() => setConfirming(m)}
                        >
                          Send again…
                        </button>
                      </span>
                    ) : (
                      <StatusBadge message={m} />
                    ),
                },
                { header: 'Attempts', numeric: true, cell: (m) => m.attempts },
              ]}
            />
            {'error' in extra && extra.error !== undefined && <ErrorState error={extra.error} onRetry={() => void loadMore()} />}
            {cursor && (
              <button type="button" className="button button--secondary" onClick={() => void loadMore()} disabled={extra.loading}>
                {extra.loading ? 'Loading…' : 'Show older messages'}
              </button>
            )}
          </>
        )}
      </Section>
      {confirming && <RequeueDialog message={confirming} onClose={() => setConfirming(null)} onRequeued={afterRequeue} />}
    </Page>
  );
}
