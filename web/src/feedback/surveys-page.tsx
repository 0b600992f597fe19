import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, type FieldIssue } from '../api';
import { CHANNELS } from '../../../src/service/tables.js';
import type { Survey, SurveyPreview } from '../api-types';
import { Badge } from '../components/badge';
import { humanize } from '../components/format';
import { Page, Section } from '../components/page';
import { PickList } from '../components/pick-list';
import { EmptyState, ErrorState, Loading, ResourceStatus } from '../components/states';
import { useResource } from '../components/use-resource';
import { useCan } from '../session/permissions';
import { listSurveys, previewSurvey, saveSurvey, type SurveyDraft } from './api';
import { QuestionEditor, type QuestionDraft } from './question-editor';

const STATUSES: Survey['status'][] = ['draft', 'active', 'paused', 'archived'];
const PREVIEW_DELAY_MS = 350;

const BLANK: SurveyDraft = {
  name: '',
  kind: 'interaction',
  status: 'draft',
  samplingRate: 1,
  trigger: { events: ['interaction'] },
  definition: {
    defaultLanguage: 'en',
    title: { en: 'How did we do?' },
    questions: [
      { id: 'nps', type: 'nps', required: true, text: { en: 'How likely are you to recommend us to a friend or colleague?' } },
      { id: 'why', type: 'text', text: { en: 'What is the main reason for your score?' } },
    ],
  },
};

function draftOf(survey: Survey): SurveyDraft {
  return {
    name: survey.name,
    kind: survey.kind,
    status: survey.status,
    samplingRate: survey.samplingRate,
    trigger: survey.trigger,
    definition: survey.definition,
  };
}

/**
 * Surveys: questions and their texts per language, when they are sent, beside the page customers
 * will see. Those who may not change surveys read them here.
 */
export default function SurveysPage() {
  const mayEdit = useCan()('canManageSurveys');
  const surveys = useResource('surveys', (signal) => listSurveys(signal));
  const [selected, setSelected] = useState<Survey | null>(null);
  const [draft, setDraft] = useState<SurveyDraft>(BLANK);
  const [language, setLanguage] = useState('en');
  const [state, setState] = useState<{ saving: boolean; issues: FieldIssue[]; message: string | null }>({
    saving: false,
    issues: [],
    message: null,
  });

  function open(survey: Survey | null) {
    setSelected(survey);
    setDraft(survey ? draftOf(survey) : BLANK);
    setLanguage(survey?.definition.defaultLanguage ?? 'en');
    setState({ saving: false, issues: [], message: null });
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setState({ saving: true, issues: [], message: null });
    try {
      const saved = await saveSurvey(selected?.id ?? null, draft);
      setSelected(saved);
      setState({ saving: false, issues: [], message: `Saved ${saved.name}.` });
      surveys.reload();
    } catch (error) {
      setState({
        saving: false,
        issues: error instanceof ApiError ? error.issues : [],
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const issue = (path: string) => state.issues.find((i) => i.path === path)?.message;
  const setDefinition = (definition: SurveyDraft['definition']) => setDraft({ ...draft, definition });
  const setQuestion = (index: number, question: QuestionDraft) =>
    setDefinition({ ...draft.definition, questions: draft.definition.questions.map((q, i) => (i === index ? question : q)) });
  const events = draft.trigger.events ?? [];
  const channels = draft.trigger.channels ?? [];
  const failed = state.message !== null && !state.message.startsWith('Saved');

  return (
    <Page
      title="Surveys"
      subtitle="What customers are asked after an interaction or on a cadence, in their language."
      actions={
        mayEdit && (
          <button {...mayEdit} type="button" className="button button--secondary" onClick={() => open(null)}>
            New survey
          </button>
        )
      }
    >
      <div className="surveys">
        <Section title="Surveys">
          <ResourceStatus resource={surveys} loading="Loading surveys…" empty="No surveys yet: write the first one." />
          {surveys.status === 'ready' && surveys.data.length > 0 && (
            <PickList label="Surveys" items={surveys.data} currentId={selected?.id ?? ''} onPick={(item) => open(item)}>
              {(s) => (
                <>
                  <span>{s.name}</span>
                  <span className="template-list__tags">
                    <Badge tone={s.status === 'active' ? 'positive' : 'neutral'}>{humanize(s.status)}</Badge>
                    <Badge tone="info">{humanize(s.kind)}</Badge>
                    <Badge>{s.languages.join(', ')}</Badge>
                  </span>
                </>
              )}
            </PickList>
          )}
        </Section>
        <Section title={selected ? `${mayEdit ? 'Edit ' : ''}${selected.name}` : mayEdit ? 'New survey' : 'Survey'}>
          {!mayEdit && !selected ? (
            <EmptyState>Choose a survey to read it. Your role can read surveys but not change them.</EmptyState>
          ) : (
            <form {...(mayEdit || {})} className="form" onSubmit={(e) => void save(e)}>
              {/* Read-only for those who may not change surveys: every control is disabled. */}
              <fieldset className="form__fieldset" disabled={!mayEdit}>
                <div className="survey-question__row">
                  <label className="field">
                    <span className="field__label">Name</span>
                    <input
                      type="text"
                      value={draft.name}
                      required
                      onChange={(e) => setDraft({ ...draft, name: e.target.value })}
                      aria-invalid={!!issue('/name')}
                    />
                    {issue('/name') && <span className="field__error">{issue('/name')}</span>}
                  </label>
                  <label className="field">
                    <span className="field__label">Kind</span>
                    <select
                      value={draft.kind}
                      disabled={selected !== null}
                      onChange={(e) => {
                        const kind = e.target.value as Survey['kind'];
                        setDraft({ ...draft, kind, trigger: kind === 'relationship' ? { cadenceDays: 90 } : { events: ['interaction'] } });
                      }}
                    >
                      <option value="interaction">After an interaction or case</option>
                      <option value="relationship">Relationship, on a cadence</option>
                    </select>
                  </label>
                  <label className="field">
                    <span className="field__label">Status</span>
                    <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value as Survey['status'] })}>
                      {STATUSES.map((s) => (
                        <option key={s} value={s}>
                          {humanize(s)}
                        </option>
                      ))}
                    </select>
                  </label>
                </div>
                {draft.kind === 'interaction' ? (
                  <fieldset className="survey-trigger">
                    <legend>Send after</legend>
                    {(['interaction', 'case_resolved'] as const).map((event) => (
                      <label key={event} className="checkbox">
                        <input
                          type="checkbox"
                          checked={events.includes(event)}
                          onChange={(e) =>
                            setDraft({
                              ...draft,
                              trigger: {
                                ...draft.trigger,
                                events: e.target.checked ? [...events, event] : events.filter((x) => x !== event),
                              },
                            })
                          }
                        />{' '}
                        {event === 'interaction' ? 'An interaction' : 'A case is resolved'}
                      </label>
                    ))}
                    {issue('/trigger/events') && <span className="field__error">{issue('/trigger/events')}</span>}
                    <p className="field__label">On channels (none ticked: all)</p>
                    <div className="chips">
                      {CHANNELS.map((channel) => (
                        <label key={channel} className="checkbox">
                          <input
                            type="checkbox"
                            checked={channels.includes(channel)}
                            onChange={(e) =>
                              setDraft({
                                ...draft,
                                trigger: {
                                  ...draft.trigger,
                                  channels: e.target.checked ? [...channels, channel] : channels.filter((c) => c !== channel),
                                },
                              })
                            }
                          />{' '}
                          {humanize(channel)}
                        </label>
                      ))}
                    </div>
                    <label className="field">
                      <span className="field__label">Only these jobs (codes, comma separated; empty: all)</span>
                      <input
                        type="text"
                        value={(draft.trigger.jobIds ?? []).join(', ')}
                        onChange={(e) => {
                          const jobIds = e.target.value
                            .split(',')
                            .map((j) => j.trim())
                            .filter(Boolean);
                          setDraft({ ...draft, trigger: { ...draft.trigger, jobIds: jobIds.length ? jobIds : undefined } });
                        }}
                      />
                      {issue('/trigger/jobIds/0') && <span className="field__error">{issue('/trigger/jobIds/0')}</span>}
                    </label>
                  </fieldset>
                ) : (
                  <label className="field">
                    <span className="field__label">Ask every customer every … days</span>
                    <input
                      type="number"
                      min={1}
                      max={730}
                      value={draft.trigger.cadenceDays ?? 90}
                      onChange={(e) => setDraft({ ...draft, trigger: { cadenceDays: Number(e.target.value) || 1 } })}
                    />
                    {issue('/trigger/cadenceDays') && <span className="field__error">{issue('/trigger/cadenceDays')}</span>}
                  </label>
                )}
                <div className="survey-question__row">
                  <label className="field">
                    <span className="field__label">Sampling rate (%)</span>
                    <input
                      type="number"
                      min={1}
                      max={100}
                      value={Math.round(draft.samplingRate * 100)}
                      onChange={(e) => setDraft({ ...draft, samplingRate: Math.min(100, Math.max(1, Number(e.target.value) || 1)) / 100 })}
                    />
                  </label>
                  <label className="field">
                    <span className="field__label">Default language</span>
                    <input
                      type="text"
                      value={draft.definition.defaultLanguage}
                      onChange={(e) => setDefinition({ ...draft.definition, defaultLanguage: e.target.value })}
                    />
                    {issue('/definition/defaultLanguage') && <span className="field__error">{issue('/definition/defaultLanguage')}</span>}
                  </label>
                  <label className="field">
                    <span className="field__label">Editing texts in</span>
                    <input type="text" value={language} onChange={(e) => setLanguage(e.target.value.trim() || 'en')} />
                  </label>
                </div>
                <label className="field">
                  <span className="field__label">Title ({language})</span>
                  <input
                    type="text"
                    value={draft.definition.title?.[language] ?? ''}
                    onChange={(e) =>
                      setDefinition({ ...draft.definition, title: { ...(draft.definition.title ?? {}), [language]: e.target.value } })
                    }
                  />
                </label>
                {draft.definition.questions.map((question, index) => (
                  <QuestionEditor
                    key={index}
                    question={question}
                    index={index}
                    language={language}
                    issue={issue}
                    onChange={(q) => setQuestion(index, q)}
                    onRemove={() =>
                      setDefinition({ ...draft.definition, questions: draft.definition.questions.filter((_, i) => i !== index) })
                    }
                  />
                ))}
                {mayEdit && (
                  <div>
                    <button
                      type="button"
                      className="button button--secondary"
                      onClick={() =>
                        setDefinition({
                          ...draft.definition,
                          questions: [
                            ...draft.definition.questions,
                            { id: `q${draft.definition.questions.length + 1}`, type: 'text', text: { [language]: '' } },
                          ],
                        })
                      }
                    >
                      Add a question
                    </button>
                  </div>
                )}
                {state.message && (
                  <p className={failed ? 'form__error' : 'form__ok'} role={failed ? 'alert' : 'status'}>
                    {state.message}
                  </p>
                )}
                {mayEdit && (
                  <div>
                    <button type="submit" className="button button--primary" disabled={state.saving}>
                      {state.saving ? 'Saving…' : selected ? 'Save changes' : 'Create survey'}
                    </button>
                  </div>
                )}
              </fieldset>
            </form>
          )}
        </Section>
        <SurveyPreviewPane definition={draft.definition} language={language} />
      </div>
    </Page>
  );
}

/** The page a customer will see, rendered by the server from the draft as it changes. */
function SurveyPreviewPane({ definition, language }: { definition: SurveyDraft['definition']; language: string }) {
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<{ preview?: SurveyPreview; error?: unknown } | null>(null);
  const key = JSON.stringify(definition);
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      previewSurvey({ definition: JSON.parse(key) as SurveyDraft['definition'], language, page }, controller.signal).then(
        (preview) => setResult({ preview }),
        (error: unknown) => {
          if (!controller.signal.aborted) setResult({ error });
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, language, page]);
  const pages = result?.preview?.pages ?? 1;
  return (
    <Section title="Preview" className="survey-preview">
      <div className="chips" role="group" aria-label="Preview page">
        {Array.from({ length: pages }, (_, i) => (
          <button key={i} type="button" className="chip" aria-pressed={page === i + 1} onClick={() => setPage(i + 1)}>
            Page {i + 1}
          </button>
        ))}
      </div>
      {!result && <Loading label="Rendering the preview…" />}
      {result?.error !== undefined && <ErrorState error={result.error} title="The preview cannot be shown yet" />}
      {result?.preview && (
        <>
          <p className="muted">As a customer reading {result.preview.language} sees it.</p>
          <iframe className="survey-preview__frame" title="Survey page preview" sandbox="" srcDoc={result.preview.html} />
        </>
      )}
    </Section>
  );
}
