import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { FollowUp } from '../api-types';
import { Badge } from '../components/badge';
import { customerLabel, formatDateTime, humanize } from '../components/format';
import { Page, Section } from '../components/page';
import { ResourceStatus } from '../components/states';
import { useResource } from '../components/use-resource';
import { useCan } from '../session/permissions';
import { listFollowUps, resolveFollowUp } from './api';

const VIEWS = [
  { view: 'open', label: 'To follow up', empty: 'Nobody is waiting for a call back.' },
  { view: 'mine', label: 'Mine', empty: 'No follow-ups are yours.' },
  { view: 'resolved', label: 'Done', empty: 'No follow-ups have been resolved yet.' },
] as const;

function score(s: FollowUp['before'] | null): string {
  if (!s) return '—';
  return [s.nps !== null ? `NPS ${s.nps}` : null, s.csat !== null ? `CSAT ${s.csat}` : null].filter(Boolean).join(', ') || 'comment only';
}

/** Customers who answered unhappily, for the lead who calls them back; soonest due first. */
export default function FollowUpsPage() {
  const [params, setParams] = useSearchParams();
  const view = VIEWS.find((v) => v.view === params.get('view')) ?? VIEWS[0];
  const followUps = useResource(`follow-ups:${view.view}`, (signal) =>
    listFollowUps(view.view === 'resolved' ? 'resolved' : 'open', view.view === 'mine', signal),
  );
  return (
    <Page
      title="Follow-ups"
      subtitle="Every detractor, low CSAT and angry comment gets a call back; the re-survey shows whether it worked."
    >
      <div className="chips" role="group" aria-label="Which follow-ups">
        {VIEWS.map((v) => (
          <button
            key={v.view}
            type="button"
            className="chip"
            aria-pressed={v.view === view.view}
            onClick={() => setParams({ view: v.view })}
          >
            {v.label}
          </button>
        ))}
      </div>
      <Section title={view.label}>
        <ResourceStatus resource={followUps} loading="Loading follow-ups…" empty={view.empty} />
        {followUps.status === 'ready' && followUps.data.length > 0 && (
          <ul className="follow-ups" aria-label={view.label}>
            {followUps.data.map((f) => (
              <FollowUpItem key={f.caseId} followUp={f} onResolved={followUps.reload} />
            ))}
          </ul>
        )}
      </Section>
    </Page>
  );
}

function FollowUpItem({ followUp: f, onResolved }: { followUp: FollowUp; onResolved(): void }) {
  const mayResolve = useCan()('canWorkCases');
  const [outcome, setOutcome] = useState('');
  const [state, setState] = useState<{ saving: boolean; error: string | null }>({ saving: false, error: null });
  async function resolve(event: FormEvent) {
    event.preventDefault();
    setState({ saving: true, error: null });
    try {
      await resolveFollowUp(f.caseId, outcome);
      onResolved();
    } catch (error) {
      setState({ saving: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return (
    <li className="follow-up">
      <div className="follow-up__head">
        <Link to={`/customers/${f.customerId}`}>{customerLabel(f.customerName)}</Link>
        <span>
          {f.reasons.map((r) => (
            <Badge key={r} tone="negative">
              {humanize(r)}
            </Badge>
          ))}{' '}
          {f.overdue && <Badge tone="warning">Overdue</Badge>}
        </span>
      </div>
      <p className="muted">
        {f.surveyName} · {score(f.before)} · due {formatDateTime(f.dueAt)} · {f.ownerName ? `for ${f.ownerName}` : 'no owner yet'} ·{' '}
        <Link to={`/cases/${f.caseId}`}>case ({humanize(f.caseState)})</Link>
      </p>
      {f.comment && <blockquote className="follow-up__quote">“{f.comment}”</blockquote>}
      {f.resolvedAt ? (
        <p>
          <strong>Outcome:</strong> {f.outcome} · re-survey:{' '}
          {f.resurvey?.answered ? score(f.resurvey.after) : humanize(f.resurvey?.status ?? 'not sent')}
          {f.recovered !== null && (
            <>
              {' '}
              <Badge tone={f.recovered ? 'positive' : 'negative'}>{f.recovered ? 'Recovered' : 'Not recovered'}</Badge>
            </>
          )}
        </p>
      ) : (
        mayResolve && (
          <form {...mayResolve} className="form follow-up__form" onSubmit={(e) => void resolve(e)}>
            <label className="field">
              <span className="field__label">What did you do? (kept on the case; the customer is asked again)</span>
              <textarea rows={2} required value={outcome} onChange={(e) => setOutcome(e.target.value)} />
            </label>
            {state.error && (
              <p className="form__error" role="alert">
                {state.error}
              </p>
            )}
            <div>
              <button type="submit" className="button button--primary" disabled={state.saving || !outcome.trim()}>
                {state.saving ? 'Saving…' : 'Resolve and re-survey'}
              </button>
            </div>
          </form>
        )
      )}
    </li>
  );
}
