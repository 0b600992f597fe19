import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { SearchResult } from '../api-types';
import { Badge } from '../components/badge';
import { customerLabel, phrase } from '../components/format';
import { Page } from '../components/page';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useResource } from '../components/use-resource';
import { searchCustomers } from './api';

/** How long typing must pause before a search is sent. */
const DEBOUNCE_MS = 200;

/** Customer search: results as you type, the query kept in the address so Back returns to it. */
export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const urlQuery = params.get('q') ?? '';
  const [text, setText] = useState(urlQuery);
  const [seenUrlQuery, setSeenUrlQuery] = useState(urlQuery);
  const list = useRef<HTMLUListElement>(null);

  // The quick search in the top bar changes the address: follow it.
  if (urlQuery !== seenUrlQuery) {
    setSeenUrlQuery(urlQuery);
    setText(urlQuery);
  }

  useEffect(() => {
    const q = text.trim();
    if (q === urlQuery) return;
    const timer = setTimeout(() => {
      setSeenUrlQuery(q);
      setParams(q ? { q } : {}, { replace: true });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, urlQuery, setParams]);

  const results = useResource<SearchResult[]>(urlQuery ? `search:${urlQuery}` : null, (signal) => searchCustomers(urlQuery, signal));

  function moveFocus(event: KeyboardEvent<HTMLElement>) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const links = Array.from(list.current?.querySelectorAll<HTMLAnchorElement>('a') ?? []);
    if (links.length === 0) return;
    event.preventDefault();
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = event.key === 'ArrowDown' ? Math.min(index + 1, links.length - 1) : index - 1;
    if (next < 0) document.getElementById('customer-search')?.focus();
    else links[next]?.focus();
  }

  return (
    <Page title="Customers" subtitle="Find anyone by name, email, phone number, user id or an id from another system.">
      <div className="card search">
        <label htmlFor="customer-search" className="field__label">
          Search customers
        </label>
        <input
          id="customer-search"
          className="search__input"
          type="search"
          autoComplete="off"
          placeholder="e.g. Smith, jane@example.com, 07700 900123, ACC-000123"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={moveFocus}
          aria-describedby="search-status"
        />
        <div id="search-status" className="search__status" aria-live="polite">
          {!urlQuery && 'Start typing to search.'}
          {urlQuery &&
            results.status === 'ready' &&
            `${results.data.length === 20 ? 'The first 20' : results.data.length} ${results.data.length === 1 ? 'customer matches' : 'customers match'} “${urlQuery}”.`}
        </div>
        {urlQuery && results.status === 'loading' && <Loading label="Searching…" />}
        {results.status === 'error' && <ErrorState error={results.error} onRetry={results.reload} />}
        {results.status === 'ready' && results.data.length === 0 && (
          <EmptyState>No customer matches “{urlQuery}”. Try part of the name, or a full email or phone number.</EmptyState>
        )}
        {results.status === 'ready' && results.data.length > 0 && (
          <ul className="results" ref={list} onKeyDown={moveFocus} aria-label="Search results">
            {results.data.map((result) => (
              <li key={result.id}>
                <Link to={`/customers/${result.id}`} className="result">
                  <span className="result__avatar" aria-hidden="true">
                    {(result.displayName ?? '?').charAt(0).toUpperCase()}
                  </span>
                  <span className="result__main">
                    <span className="result__name">{customerLabel(result.displayName)}</span>
                    <span className="result__meta">{[result.email, result.phone].filter(Boolean).join(' · ') || result.id}</span>
                  </span>
                  {/* A match on the name is plain to see; a match on an identity says which one. */}
                  {result.matchedOn !== 'name' && <Badge tone="info">matched on {phrase(result.matchedOn)}</Badge>}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Page>
  );
}
