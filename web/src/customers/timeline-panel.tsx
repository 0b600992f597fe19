import { useState } from 'react';
import type { Page as ApiPage, TimelineEntry } from '../api-types';
import { formatDateTime } from '../components/format';
import { Icon } from '../components/icons';
import { Section } from '../components/page';
import { EmptyState, ErrorState, ResourceStatus } from '../components/states';
import { useResource } from '../components/use-resource';
import { TIMELINE_KINDS, timelineKind } from '../timeline/kinds';
import { getTimeline } from './api';

const PAGE_SIZE = 25;

/** One timeline of everything, newest first: filter by kind, and load older entries page by page. */
export function TimelinePanel({ customerId }: { customerId: string }) {
  const [kinds, setKinds] = useState<string[]>([]);
  const filterKey = `${customerId}|${kinds.join(',')}`;
  const first = useResource<ApiPage<TimelineEntry>>(`timeline:${filterKey}`, (signal) =>
    getTimeline(customerId, { kinds, limit: PAGE_SIZE }, signal),
  );
  // Older pages belong to one filter; a new filter starts again from the newest.
  const [older, setOlder] = useState<{ key: string; entries: TimelineEntry[]; cursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);

  const olderForFilter = older?.key === filterKey ? older : null;
  const entries = first.status === 'ready' ? [...first.data.data, ...(olderForFilter?.entries ?? [])] : [];
  const cursor = olderForFilter ? olderForFilter.cursor : first.status === 'ready' ? first.data.nextCursor : null;

  function toggle(kind: string) {
    setKinds((current) => (current.includes(kind) ? current.filter((k) => k !== kind) : [...current, kind]));
    setMoreError(null);
  }

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const next = await getTimeline(customerId, { kinds, before: cursor, limit: PAGE_SIZE });
      setOlder({ key: filterKey, entries: [...(olderForFilter?.entries ?? []), ...next.data], cursor: next.nextCursor });
    } catch (error) {
      setMoreError(error);
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <Section title="Timeline" id="timeline">
      <div className="chips" role="group" aria-label="Show only these kinds">
        <button type="button" className="chip" aria-pressed={kinds.length === 0} onClick={() => setKinds([])}>
          Everything
        </button>
        {Object.entries(TIMELINE_KINDS).map(([kind, definition]) => (
          <button key={kind} type="button" className="chip" aria-pressed={kinds.includes(kind)} onClick={() => toggle(kind)}>
            <Icon name={definition.icon} size={14} />
            {definition.label}
          </button>
        ))}
      </div>
      <ResourceStatus resource={first} loading="Loading the timeline…" />
      {first.status === 'ready' && entries.length === 0 && (
        <EmptyState>{kinds.length ? 'Nothing of these kinds has happened yet.' : 'Nothing has happened yet.'}</EmptyState>
      )}
      {entries.length > 0 && (
        <ol className="timeline" aria-label="Timeline, newest first">
          {entries.map((entry) => (
            <TimelineItem key={`${entry.kind}:${entry.id}`} entry={entry} />
          ))}
        </ol>
      )}
      {moreError !== null && <ErrorState error={moreError} onRetry={loadMore} />}
      {first.status === 'ready' && cursor && (
        <button type="button" className="button button--secondary timeline__more" onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Show older'}
        </button>
      )}
      {first.status === 'ready' && entries.length > 0 && !cursor && <p className="muted small timeline__end">That is everything.</p>}
    </Section>
  );
}

function TimelineItem({ entry }: { entry: TimelineEntry }) {
  const kind = timelineKind(entry.kind);
  const detail = kind.detail?.(entry);
  return (
    <li className={`timeline__item timeline__item--${kind.tone}`} data-kind={entry.kind} data-id={`${entry.kind}:${entry.id}`}>
      <span className="timeline__icon" aria-hidden="true">
        <Icon name={kind.icon} size={16} />
      </span>
      <div className="timeline__body">
        <p className="timeline__title">{kind.title(entry)}</p>
        {detail ? <p className="timeline__detail">{detail}</p> : null}
      </div>
      <time className="timeline__time" dateTime={entry.occurredAt}>
        {formatDateTime(entry.occurredAt)}
      </time>
    </li>
  );
}
