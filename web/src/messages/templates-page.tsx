import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, type FieldIssue } from '../api';
import type { MessagePreview, MessageTemplate, SearchResult } from '../api-types';
import { Badge } from '../components/badge';
import { customerLabel, humanize } from '../components/format';
import { Page, Section } from '../components/page';
import { PickList } from '../components/pick-list';
import { EmptyState, ErrorState, ResourceStatus } from '../components/states';
import { useResource } from '../components/use-resource';
import { searchCustomers } from '../customers/api';
import { useCan } from '../session/permissions';
import { listTemplates, MESSAGE_PURPOSES, previewDraft, saveTemplate, type TemplateDraft } from './api';

type TemplateText = Omit<TemplateDraft, 'sampleData'>;

const BLANK: TemplateText = { key: '', purpose: 'service', language: 'en', subject: '', body: '' };
const PREVIEW_DELAY_MS = 400;

function issueFor(issues: FieldIssue[], path: string): string | undefined {
  return issues.find((issue) => issue.path === path)?.message;
}

/** The JSON object a text holds, or null when it holds anything else. */
function parseObject(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const sampleTextOf = (template: MessageTemplate | null) => (template ? JSON.stringify(template.sampleData, null, 2) : '{}');

/**
 * Templates per key and language, edited beside a live preview for a real customer, which reads
 * the template's own sample data. Those who may not change templates read them here.
 */
export default function TemplatesPage() {
  const mayEdit = useCan()('canManageMessageTemplates');
  const templates = useResource('message-templates', (signal) => listTemplates(signal));
  const [selected, setSelected] = useState<MessageTemplate | null>(null);
  const [draft, setDraft] = useState<TemplateText>(BLANK);
  const [sampleText, setSampleText] = useState('{}');
  const [saveState, setSaveState] = useState<{ saving: boolean; issues: FieldIssue[]; message: string | null }>({
    saving: false,
    issues: [],
    message: null,
  });

  function open(template: MessageTemplate | null) {
    setSelected(template);
    setDraft(
      template
        ? { key: template.key, purpose: template.purpose, language: template.language, subject: template.subject, body: template.body }
        : BLANK,
    );
    setSampleText(sampleTextOf(template));
    setSaveState({ saving: false, issues: [], message: null });
  }

  const sampleData = parseObject(sampleText);
  async function save(event: FormEvent) {
    event.preventDefault();
    if (!sampleData) {
      setSaveState({ saving: false, issues: [], message: 'The sample data is not a JSON object; correct it to save.' });
      return;
    }
    setSaveState({ saving: true, issues: [], message: null });
    try {
      const saved = await saveTemplate(selected?.id ?? null, { ...draft, sampleData });
      setSelected(saved);
      setSaveState({ saving: false, issues: [], message: `Saved ${saved.key} (${saved.language}).` });
      templates.reload();
    } catch (error) {
      const issues = error instanceof ApiError ? error.issues : [];
      setSaveState({ saving: false, issues, message: error instanceof Error ? error.message : String(error) });
    }
  }

  const set = (field: keyof TemplateText) => (event: { target: { value: string } }) => setDraft({ ...draft, [field]: event.target.value });
  const failed = saveState.issues.length > 0 || (saveState.message !== null && !saveState.message.startsWith('Saved'));
  const reading = !mayEdit && selected === null;

  return (
    <Page
      title="Message templates"
      subtitle="What customers read, per purpose and language. Liquid: customer, holdings, data and workspace."
      actions={
        mayEdit && (
          <button {...mayEdit} type="button" className="button button--secondary" onClick={() => open(null)}>
            New template
          </button>
        )
      }
    >
      <div className="templates">
        <Section title="Templates">
          <ResourceStatus resource={templates} loading="Loading templates…" empty="No templates yet: write the first one." />
          {templates.status === 'ready' && templates.data.length > 0 && (
            <PickList label="Templates" items={templates.data} currentId={selected?.id ?? ''} onPick={(item) => open(item)}>
              {(t) => (
                <>
                  <span className="mono">{t.key}</span>
                  <span className="template-list__tags">
                    <Badge tone="info">{humanize(t.purpose)}</Badge>
                    <Badge>{t.language}</Badge>
                  </span>
                </>
              )}
            </PickList>
          )}
        </Section>
        <Section
          title={selected ? `${mayEdit ? 'Edit ' : ''}${selected.key} (${selected.language})` : mayEdit ? 'New template' : 'Template'}
        >
          {reading ? (
            <EmptyState>Choose a template to read it. Your role can read templates but not change them.</EmptyState>
          ) : (
            <form {...(mayEdit || {})} className="form template-form" onSubmit={(e) => void save(e)}>
              {/* Read-only for those who may not change templates: every control is disabled. */}
              <fieldset className="form__fieldset" disabled={!mayEdit}>
                <div className="template-form__row">
                  <label className="field">
                    <span className="field__label">Key</span>
                    <input
                      type="text"
                      value={draft.key}
                      onChange={set('key')}
                      disabled={selected !== null}
                      required
                      pattern="[a-z][a-z0-9_]*"
                    />
                    {issueFor(saveState.issues, '/key') && <span className="field__error">{issueFor(saveState.issues, '/key')}</span>}
                  </label>
                  <label className="field">
                    <span className="field__label">Purpose</span>
                    <select value={draft.purpose} onChange={set('purpose')} disabled={selected !== null}>
                      {MESSAGE_PURPOSES.map((p) => (
                        <option key={p} value={p}>
                          {humanize(p)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label className="field">
                    <span className="field__label">Language</span>
                    <input type="text" value={draft.language} onChange={set('language')} disabled={selected !== null} required />
                  </label>
                </div>
                <label className="field">
                  <span className="field__label">Subject</span>
                  <input
                    type="text"
                    value={draft.subject}
                    onChange={set('subject')}
                    required
                    aria-invalid={!!issueFor(saveState.issues, '/subject')}
                  />
                  {issueFor(saveState.issues, '/subject') && <span className="field__error">{issueFor(saveState.issues, '/subject')}</span>}
                </label>
                <label className="field">
                  <span className="field__label">Body</span>
                  <textarea
                    value={draft.body}
                    onChange={set('body')}
                    rows={10}
                    required
                    aria-invalid={!!issueFor(saveState.issues, '/body')}
                  />
                  {issueFor(saveState.issues, '/body') && <span className="field__error">{issueFor(saveState.issues, '/body')}</span>}
                </label>
                {saveState.message && (
                  <p className={failed ? 'form__error' : 'form__ok'} role={failed ? 'alert' : 'status'}>
                    {saveState.message}
                  </p>
                )}
                {mayEdit && (
                  <div>
                    <button type="submit" className="button button--primary" disabled={saveState.saving}>
                      {saveState.saving ? 'Saving…' : selected ? 'Save changes' : 'Create template'}
                    </button>
                  </div>
                )}
              </fieldset>
            </form>
          )}
        </Section>
        <LivePreview draft={draft} sampleText={sampleText} sampleData={sampleData} onSampleText={setSampleText} saved={Boolean(mayEdit)} />
      </div>
    </Page>
  );
}

/** Renders the draft for a chosen customer as they would read it, as the text changes. */
function LivePreview({
  draft,
  sampleText,
  sampleData,
  onSampleText,
  saved,
}: {
  draft: TemplateText;
  sampleText: string;
  sampleData: Record<string, unknown> | null;
  onSampleText(text: string): void;
  /** Whether the sample data is saved with the template (for those who may change it). */
  saved: boolean;
}) {
  const [query, setQuery] = useState('');
  const [customer, setCustomer] = useState<SearchResult | null>(null);
  const [result, setResult] = useState<{ preview?: MessagePreview; error?: unknown } | null>(null);
  const matches = useResource(query.trim().length >= 2 && !customer ? `preview-search:${query}` : null, (signal) =>
    searchCustomers(query.trim(), signal),
  );
  const dataKey = sampleData ? JSON.stringify(sampleData) : null;

  useEffect(() => {
    if (!customer || dataKey === null || !draft.subject || !draft.body) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      previewDraft(
        {
          customerId: customer.id,
          subject: draft.subject,
          body: draft.body,
          language: draft.language,
          data: JSON.parse(dataKey) as Record<string, unknown>,
        },
        controller.signal,
      ).then(
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
  }, [customer, dataKey, draft.subject, draft.body, draft.language]);

  return (
    <Section title="Live preview" className="template-preview">
      <div className="form">
        <label className="field">
          <span className="field__label">Customer</span>
          {customer ? (
            <span>
              {customerLabel(customer.displayName)}{' '}
              <button type="button" className="button button--ghost" onClick={() => setCustomer(null)}>
                Change
              </button>
            </span>
          ) : (
            <input type="text" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search by name, email or phone" />
          )}
        </label>
        {!customer && matches.status === 'ready' && (
          <PickList label="Customers to preview for" items={matches.data.slice(0, 5)} onPick={(item) => setCustomer(item)}>
            {(m) => (
              <>
                {customerLabel(m.displayName)} <span className="muted">{m.email ?? m.phone ?? ''}</span>
              </>
            )}
          </PickList>
        )}
        <label className="field">
          <span className="field__label">Sample data (JSON: what we did for them)</span>
          <textarea
            rows={4}
            className="mono"
            value={sampleText}
            onChange={(e) => onSampleText(e.target.value)}
            aria-invalid={sampleData === null}
            aria-describedby="sample-data-hint"
          />
          <span id="sample-data-hint" className="muted small">
            {saved ? 'Saved with the template. ' : ''}The message reads these values as data.*; a real message gets them from what sent it.
          </span>
          {sampleData === null && <span className="field__error">Not a JSON object.</span>}
        </label>
      </div>
      <div aria-live="polite">
        {!customer && <EmptyState>Choose a customer to see the message as they would read it.</EmptyState>}
        {customer && result?.error !== undefined && <ErrorState error={result.error} title="The preview could not be written" />}
        {customer && result?.preview && (
          <article className="preview" aria-label="Preview">
            <p className="preview__subject">{result.preview.subject}</p>
            <p className="preview__body">{result.preview.body}</p>
            <p className="muted small">Language: {result.preview.language}</p>
          </article>
        )}
      </div>
    </Section>
  );
}
