import { Badge, type Tone } from '../components/badge';
import { DataTable } from '../components/data-table';
import { formatDate, formatNumber, humanize } from '../components/format';
import { Section } from '../components/page';
import { ResourceStatus } from '../components/states';
import type { Resource } from '../components/use-resource';
import { formatNps, formatPercent, formatSentiment } from './api';
import type { FeedbackFigures, FeedbackThemes, Scorecards } from './types';

const tone = (sentiment: number | null): Tone =>
  sentiment === null ? 'neutral' : sentiment <= -0.2 ? 'negative' : sentiment >= 0.2 ? 'positive' : 'neutral';

const feeling = (sentiment: number | null) =>
  sentiment === null ? 'no comments' : sentiment <= -0.2 ? 'negative' : sentiment >= 0.2 ? 'positive' : 'mixed';

/** The columns every table of feedback figures shares. */
export function figureColumns<T extends FeedbackFigures>() {
  return [
    { header: 'Responses', numeric: true, cell: (g: T) => formatNumber(g.responses) },
    {
      header: 'NPS (±95%)',
      numeric: true,
      cell: (g: T) => (
        <span title={`${g.nps.promoters} promoters, ${g.nps.passives} passives, ${g.nps.detractors} detractors`}>
          {formatNps(g.nps.score, g.nps.marginOfError)} <span className="muted">n={formatNumber(g.nps.count)}</span>
        </span>
      ),
    },
    { header: 'CSAT', numeric: true, cell: (g: T) => formatPercent(g.csat.percent) },
    { header: 'CES agree', numeric: true, cell: (g: T) => formatPercent(g.ces.percentAgree) },
    { header: 'CES mean', numeric: true, cell: (g: T) => (g.ces.mean === null ? '–' : g.ces.mean.toFixed(1)) },
    { header: 'Elevated feelings', numeric: true, cell: (g: T) => formatPercent(g.elevatedFeelings.percent) },
  ];
}

export function ThemesSection({ themes }: { themes: Resource<FeedbackThemes> & { reload(): void } }) {
  return (
    <Section title="Themes">
      <ResourceStatus resource={themes} loading="Loading themes…" />
      {themes.status === 'ready' &&
        (themes.data.data.length === 0 ? (
          <p className="muted">No comments named a theme in this period.</p>
        ) : (
          <ul className="themes" aria-label="Themes named in comments">
            {themes.data.data.map((t) => (
              <li key={t.theme} className="theme">
                <div className="theme__head">
                  <strong>{humanize(t.theme)}</strong>
                  <span className="muted">
                    {formatNumber(t.count)} responses · {formatPercent(t.percent)}
                  </span>
                  <Badge tone={tone(t.sentiment.mean)}>
                    {feeling(t.sentiment.mean)} {formatSentiment(t.sentiment.mean)}
                  </Badge>
                </div>
                {t.quotes.map((q) => (
                  <blockquote key={q.responseId} className="theme__quote">
                    “{q.comment}” <span className="muted small">{formatDate(q.answeredAt)}</span>
                  </blockquote>
                ))}
              </li>
            ))}
          </ul>
        ))}
    </Section>
  );
}

export function ScorecardsSection({ scorecards }: { scorecards: Resource<Scorecards> & { reload(): void } }) {
  return (
    <Section title="Agent scorecards">
      <p className="muted small">What each agent’s customers said — not how long the calls took.</p>
      <ResourceStatus resource={scorecards} loading="Loading scorecards…" />
      {scorecards.status === 'ready' && (
        <DataTable
          caption="Agent scorecards from customer feedback"
          rows={scorecards.data.data}
          rowKey={(a) => a.agentId}
          empty="No responses name an agent in this period."
          columns={[{ header: 'Agent', cell: (a) => a.name }, ...figureColumns<Scorecards['data'][number]>()]}
        />
      )}
    </Section>
  );
}
