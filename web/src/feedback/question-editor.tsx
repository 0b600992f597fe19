import { useState } from 'react';
import type { SurveyDefinition } from '../api-types';

export type QuestionDraft = SurveyDefinition['questions'][number];

export const QUESTION_TYPES: Array<{ type: QuestionDraft['type']; label: string }> = [
  { type: 'nps', label: 'NPS (0–10)' },
  { type: 'csat', label: 'CSAT (1–5)' },
  { type: 'ces', label: 'CES (1–7)' },
  { type: 'feelings', label: 'How did this make you feel' },
  { type: 'text', label: 'Free text' },
  { type: 'single', label: 'Single choice' },
  { type: 'multiple', label: 'Multiple choice' },
];

/** Choices as lines `id | label`, in the language being edited. */
function choicesText(question: QuestionDraft, language: string): string {
  return (question.choices ?? []).map((c) => `${c.id} | ${c.text[language] ?? ''}`).join('\n');
}

function parseChoices(text: string, question: QuestionDraft, language: string): QuestionDraft['choices'] {
  const before = new Map((question.choices ?? []).map((c) => [c.id, c.text]));
  return text
    .split('\n')
    .map((line) => line.split('|').map((part) => part.trim()))
    .filter(([id]) => id)
    .map(([id = '', label = '']) => ({ id, text: { ...(before.get(id) ?? {}), [language]: label } }));
}

/** One question: its id, type, page and text in the language being edited. */
export function QuestionEditor({
  question,
  index,
  language,
  issue,
  onChange,
  onRemove,
}: {
  question: QuestionDraft;
  index: number;
  language: string;
  issue(path: string): string | undefined;
  onChange(question: QuestionDraft): void;
  onRemove(): void;
}) {
  const base = `/definition/questions/${index}`;
  const textIssue = issue(`${base}/text`) ?? issue(`${base}/text/${language}`);
  const hasChoices = question.type === 'single' || question.type === 'multiple';
  return (
    <fieldset className="survey-question">
      <legend>Question {index + 1}</legend>
      <div className="survey-question__row">
        <label className="field">
          <span className="field__label">Id</span>
          <input
            type="text"
            value={question.id}
            pattern="[a-z][a-z0-9_]*"
            onChange={(e) => onChange({ ...question, id: e.target.value })}
          />
          {issue(`${base}/id`) && <span className="field__error">{issue(`${base}/id`)}</span>}
        </label>
        <label className="field">
          <span className="field__label">Type</span>
          <select
            value={question.type}
            onChange={(e) => {
              const type = e.target.value as QuestionDraft['type'];
              const { choices, ...rest } = question;
              onChange(type === 'single' || type === 'multiple' ? { ...rest, type, choices: choices ?? [] } : { ...rest, type });
            }}
          >
            {QUESTION_TYPES.map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
          {issue(`${base}/type`) && <span className="field__error">{issue(`${base}/type`)}</span>}
        </label>
        <label className="field survey-question__page">
          <span className="field__label">Page</span>
          <input
            type="number"
            min={1}
            max={10}
            value={question.page ?? 1}
            onChange={(e) => onChange({ ...question, page: Number(e.target.value) || 1 })}
          />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={question.required ?? false}
            onChange={(e) => onChange({ ...question, required: e.target.checked })}
          />{' '}
          Required
        </label>
      </div>
      <label className="field">
        <span className="field__label">Question text ({language})</span>
        <input
          type="text"
          value={question.text[language] ?? ''}
          aria-invalid={!!textIssue}
          onChange={(e) => onChange({ ...question, text: { ...question.text, [language]: e.target.value } })}
        />
        {textIssue && <span className="field__error">{textIssue}</span>}
      </label>
      {hasChoices && (
        <label className="field">
          <span className="field__label">Choices ({language}), one per line: id | label</span>
          <ChoicesField key={language} question={question} language={language} onChange={onChange} />
          {issue(`${base}/choices`) && <span className="field__error">{issue(`${base}/choices`)}</span>}
        </label>
      )}
      <div>
        <button type="button" className="button button--ghost" onClick={onRemove}>
          Remove question {index + 1}
        </button>
      </div>
    </fieldset>
  );
}

/** Keeps the typed lines (blank ones included) while the parsed choices go up on every change. */
function ChoicesField({
  question,
  language,
  onChange,
}: {
  question: QuestionDraft;
  language: string;
  onChange(question: QuestionDraft): void;
}) {
  const [text, setText] = useState(() => choicesText(question, language));
  return (
    <textarea
      rows={3}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange({ ...question, choices: parseChoices(e.target.value, question, language) });
      }}
    />
  );
}
