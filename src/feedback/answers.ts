import type { JsonObject, JsonValue } from '../db/columns.js';
import { csatClass } from '../metrics/csat-ces.js';
import { npsClass } from '../metrics/nps.js';
import { choicesOf } from './definition.js';
import { pageWord } from './page-words.js';
import { FEELINGS, type Definition, type Question } from './schemas.js';

/** A posted form: every field's values, in order (a multiple choice sends one per box). */
export type FormFields = Record<string, string[]>;

export function parseForm(body: string): FormFields {
  // No prototype: a field named `constructor` or `__proto__` is a field like any other.
  const fields: FormFields = Object.create(null) as FormFields;
  for (const [key, value] of new URLSearchParams(body)) (fields[key] ??= []).push(value);
  return fields;
}

export const fieldName = (question: Question) => `q_${question.id}`;

const SCALES: Partial<Record<Question['type'], [number, number]>> = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };
export const MAX_TEXT = 5000;

/**
 * Reads the answers to one page's questions from a form. A question left blank removes its
 * earlier answer (the customer cleared it); a value that is not allowed is an error for
 * that question, in words the page shows beside it.
 */
export function readPageAnswers(
  questions: Question[],
  fields: FormFields,
  language: string,
  definition: Definition,
): { answers: Record<string, JsonValue | undefined>; errors: Record<string, string> } {
  const answers: Record<string, JsonValue | undefined> = {};
  const errors: Record<string, string> = {};
  for (const question of questions) {
    const values = (fields[fieldName(question)] ?? []).map((v) => v.trim()).filter((v) => v !== '');
    const scale = SCALES[question.type];
    if (values.length === 0) {
      // An empty feelings list is an answer ("none of these"), so the share of elevated feelings has its denominator.
      answers[question.id] = question.type === 'feelings' && !question.required ? [] : undefined;
      if (question.required) errors[question.id] = pageWord(language, 'required');
      continue;
    }
    if (scale) {
      const n = Number(values[0]);
      if (!Number.isInteger(n) || n < scale[0] || n > scale[1])
        errors[question.id] = pageWord(language, 'outOfScale', { min: scale[0], max: scale[1] });
      else answers[question.id] = n;
    } else if (question.type === 'text') {
      const text = values.join('\n');
      if (text.length > MAX_TEXT) errors[question.id] = pageWord(language, 'tooLong', { max: MAX_TEXT });
      else answers[question.id] = text;
    } else {
      const offered = new Set(
        question.type === 'feelings' ? FEELINGS : choicesOf(question, language, definition.defaultLanguage).map((c) => c.id),
      );
      const chosen = [...new Set(values)];
      if (chosen.some((v) => !offered.has(v))) errors[question.id] = pageWord(language, 'notOffered');
      else if (question.type === 'single' && chosen.length > 1) errors[question.id] = pageWord(language, 'oneOption');
      else answers[question.id] = question.type === 'single' ? (chosen[0] ?? null) : chosen;
    }
  }
  return { answers, errors };
}

/**
 * What the customer entered on a page, to show it again beside the errors so nothing has to
 * be typed twice: over the earlier answers, each answer that reads well as read, and each
 * refused one as it was sent. A question whose field was not sent keeps its earlier answer.
 */
export function enteredAnswers(
  questions: Question[],
  fields: FormFields,
  language: string,
  definition: Definition,
  before: JsonObject,
): JsonObject {
  const { answers } = readPageAnswers(questions, fields, language, definition);
  const entered: JsonObject = { ...before };
  for (const question of questions) {
    const sent = fields[fieldName(question)];
    if (!sent) continue;
    entered[question.id] = answers[question.id] ?? (sent.length > 1 ? sent : (sent[0] ?? null));
  }
  return entered;
}

/** Answers merged over the earlier ones; an `undefined` removes one. */
export function mergeAnswers(before: JsonObject, page: Record<string, JsonValue | undefined>): JsonObject {
  const merged: JsonObject = { ...before };
  for (const [id, value] of Object.entries(page)) {
    if (value === undefined) delete merged[id];
    else merged[id] = value;
  }
  return merged;
}

export interface StandardScores {
  nps: number | null;
  csat: number | null;
  ces: number | null;
  feelings: string[];
  feelings_asked: boolean;
  comment: string | null;
}

/** The contract columns, read from the answers by question type. */
export function standardScores(definition: Definition, answers: JsonObject): StandardScores {
  const of = (type: Question['type']) => definition.questions.find((q) => q.type === type);
  const number = (type: Question['type']) => {
    const q = of(type);
    const value = q ? answers[q.id] : undefined;
    return typeof value === 'number' ? value : null;
  };
  const feelingsQ = of('feelings');
  const feelings =
    feelingsQ && Array.isArray(answers[feelingsQ.id])
      ? (answers[feelingsQ.id] as JsonValue[]).filter((v): v is string => typeof v === 'string')
      : [];
  const texts = definition.questions
    .filter((q) => q.type === 'text')
    .map((q) => answers[q.id])
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  return {
    nps: number('nps'),
    csat: number('csat'),
    ces: number('ces'),
    feelings,
    feelings_asked: feelingsQ !== undefined && Array.isArray(answers[feelingsQ.id]),
    comment: texts.length ? texts.join('\n\n') : null,
  };
}

export type Mood = 'promoter' | 'passive' | 'detractor' | 'other';

const CSAT_MOOD = { satisfied: 'promoter', neutral: 'passive', dissatisfied: 'detractor' } as const;

/** How the answer went, for the closing words: NPS first, CSAT when there is no NPS, then the comment's tone. */
export function moodOf(scores: Pick<StandardScores, 'nps' | 'csat'>, sentimentLabel: string | null): Mood {
  if (scores.nps !== null) return npsClass(scores.nps);
  if (scores.csat !== null) return CSAT_MOOD[csatClass(scores.csat)];
  if (sentimentLabel === 'negative') return 'detractor';
  return 'other';
}
