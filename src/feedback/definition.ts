import type { FieldIssue } from '../errors.js';
import { AppError } from '../errors.js';
import { FEELINGS, type Definition, type Question, type Texts } from './schemas.js';

/** The canonical form of a BCP 47 tag (`en-gb` → `en-GB`), or null when it is not one. */
export function canonicalLanguage(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/** Built-in labels of the seven feelings, used when a survey gives none for a language. */
const FEELING_LABELS: Record<string, Record<string, string>> = {
  en: {
    special: 'Special',
    smart: 'Smart',
    safe: 'Safe',
    cool: 'Cool',
    successful: 'Successful',
    attractive: 'Attractive',
    original: 'Original',
  },
  pl: {
    special: 'Wyjątkowo',
    smart: 'Mądrze',
    safe: 'Bezpiecznie',
    cool: 'Fajnie',
    successful: 'Skutecznie',
    attractive: 'Atrakcyjnie',
    original: 'Oryginalnie',
  },
};

/**
 * Checks what a schema cannot: languages are BCP 47 and every text has the default one,
 * question ids are unique, choices fit their question, at most one of each standard score.
 * Reports every problem with its path under `base`.
 */
export function validateDefinition(definition: Definition, base = '/definition'): void {
  const issues: FieldIssue[] = [];
  const defaultLanguage = canonicalLanguage(definition.defaultLanguage);
  if (!defaultLanguage)
    issues.push({ path: `${base}/defaultLanguage`, message: `"${definition.defaultLanguage}" is not a BCP 47 language tag` });
  const checkTexts = (texts: Texts, path: string) => {
    for (const tag of Object.keys(texts)) {
      if (!canonicalLanguage(tag)) issues.push({ path: `${path}/${tag}`, message: `"${tag}" is not a BCP 47 language tag` });
    }
    if (defaultLanguage && !Object.keys(texts).some((tag) => canonicalLanguage(tag) === defaultLanguage)) {
      issues.push({ path, message: `needs a text in the default language (${defaultLanguage})` });
    }
  };
  if (definition.title) checkTexts(definition.title, `${base}/title`);
  const seen = new Set<string>();
  const standard = new Set<string>();
  definition.questions.forEach((question, i) => {
    const path = `${base}/questions/${i}`;
    if (seen.has(question.id)) issues.push({ path: `${path}/id`, message: `"${question.id}" is used by an earlier question` });
    seen.add(question.id);
    checkTexts(question.text, `${path}/text`);
    if (['nps', 'csat', 'ces', 'feelings'].includes(question.type)) {
      if (standard.has(question.type)) issues.push({ path: `${path}/type`, message: `a survey asks ${question.type} once` });
      standard.add(question.type);
    }
    const choices = question.choices ?? [];
    if ((question.type === 'single' || question.type === 'multiple') && choices.length < 2) {
      issues.push({ path: `${path}/choices`, message: `a ${question.type} choice question needs at least two choices` });
    }
    if (!['single', 'multiple', 'feelings'].includes(question.type) && choices.length) {
      issues.push({ path: `${path}/choices`, message: `a ${question.type} question has no choices` });
    }
    const choiceIds = new Set<string>();
    choices.forEach((choice, j) => {
      if (choiceIds.has(choice.id)) issues.push({ path: `${path}/choices/${j}/id`, message: `"${choice.id}" is used twice` });
      choiceIds.add(choice.id);
      if (question.type === 'feelings' && !(FEELINGS as readonly string[]).includes(choice.id)) {
        issues.push({ path: `${path}/choices/${j}/id`, message: `must be one of ${FEELINGS.join(', ')}` });
      }
      checkTexts(choice.text, `${path}/choices/${j}/text`);
    });
  });
  for (const [key, texts] of Object.entries(definition.thankYou ?? {})) if (texts) checkTexts(texts, `${base}/thankYou/${key}`);
  if (issues.length) {
    throw new AppError('validation_failed', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), { issues });
  }
}

/** Every language the survey has a question text in. */
export function surveyLanguages(definition: Definition): string[] {
  const tags = new Set<string>();
  for (const question of definition.questions) for (const tag of Object.keys(question.text)) tags.add(canonicalLanguage(tag) ?? tag);
  return [...tags].sort();
}

/**
 * The survey language for a customer: their tag, then its shorter forms (`en-GB` → `en`),
 * then the survey's default. A language counts only if every question is written in it.
 */
export function pickLanguage(definition: Definition, preferred: string | null | undefined): string {
  const complete = (tag: string) => definition.questions.every((q) => textIn(q.text, tag) !== undefined);
  const chain: string[] = [];
  const canonical = preferred ? canonicalLanguage(preferred) : null;
  if (canonical) {
    const parts = canonical.split('-');
    for (let n = parts.length; n >= 1; n--) chain.push(parts.slice(0, n).join('-'));
  }
  for (const tag of chain) if (complete(tag)) return tag;
  return canonicalLanguage(definition.defaultLanguage) ?? definition.defaultLanguage;
}

function textIn(texts: Texts, language: string): string | undefined {
  const wanted = language.toLowerCase();
  const key = Object.keys(texts).find((tag) => tag.toLowerCase() === wanted);
  return key === undefined ? undefined : texts[key];
}

/** The text in a language, else in the default language, else any. */
export function textFor(texts: Texts | undefined, language: string, defaultLanguage: string): string {
  if (!texts) return '';
  return textIn(texts, language) ?? textIn(texts, defaultLanguage) ?? Object.values(texts)[0] ?? '';
}

/** The choices a question offers, labelled in a language; feelings fall back on the built-in labels. */
export function choicesOf(question: Question, language: string, defaultLanguage: string): Array<{ id: string; label: string }> {
  if (question.type === 'feelings') {
    const given = new Map((question.choices ?? []).map((c) => [c.id, c.text]));
    const primary = language.split('-')[0] ?? 'en';
    const builtIn = FEELING_LABELS[primary] ?? FEELING_LABELS.en ?? {};
    return FEELINGS.map((id) => {
      const texts = given.get(id);
      const own = texts ? textIn(texts, language) : undefined;
      return { id, label: own ?? builtIn[id] ?? (texts ? textFor(texts, language, defaultLanguage) : id) };
    });
  }
  return (question.choices ?? []).map((c) => ({ id: c.id, label: textFor(c.text, language, defaultLanguage) }));
}

export function questionsOnPage(definition: Definition, page: number): Question[] {
  const pages = [...new Set(definition.questions.map((q) => q.page ?? 1))].sort((a, b) => a - b);
  const wanted = pages[page - 1];
  return definition.questions.filter((q) => (q.page ?? 1) === wanted);
}

/** Pages actually used, renumbered 1…n (a survey may skip page numbers). */
export function usedPageCount(definition: Definition): number {
  return new Set(definition.questions.map((q) => q.page ?? 1)).size;
}
