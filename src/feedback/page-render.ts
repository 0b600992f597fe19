import type { JsonObject } from '../db/columns.js';
import { fieldName, MAX_TEXT, type Mood } from './answers.js';
import { choicesOf, questionsOnPage, textFor, usedPageCount } from './definition.js';
import { pageWords } from './page-words.js';
import type { Definition, Question } from './schemas.js';

// The page customers answer on: plain server-rendered HTML with one small inline
// stylesheet (allowed by its hash in the Content-Security-Policy, src/http/security.ts; no
// style attributes, which that policy refuses) and no script, so it opens fast on a phone and works with JavaScript off.
// Every control has a label, groups are fieldsets with legends, errors are linked to
// their question, and colours keep at least 4.5:1 contrast.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export const SURVEY_PAGE_STYLE = `body{font:1.0625rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0}
main{max-width:36rem;margin:0 auto;padding:1.25rem 1rem 3rem}
.company{font-weight:600;color:#3d3d3d;margin:0 0 .25rem}h1{font-size:1.4rem;margin:0 0 1rem}
fieldset{border:0;margin:0 0 1.5rem;padding:0}legend,.q{font-weight:600;margin-bottom:.5rem;padding:0}label.q{display:block}
.scale{display:flex;flex-wrap:wrap;gap:.375rem}.scale label{flex:1 0 2.6rem;position:relative}
.scale input,.opt input{position:absolute;opacity:0;width:1px;height:1px}
.scale span{display:block;text-align:center;padding:.6rem 0;border:2px solid #595959;border-radius:.375rem;min-height:1.5rem}
.opt{display:block;margin:.25rem 0;position:relative}.opt span{display:block;padding:.55rem .75rem;border:2px solid #595959;border-radius:.375rem}
input:checked+span{background:#0b4f9c;border-color:#0b4f9c;color:#fff}
input:focus-visible+span,textarea:focus-visible,button:focus-visible{outline:3px solid #c25400;outline-offset:2px}
.ends{display:flex;justify-content:space-between;font-size:.875rem;color:#4a4a4a;margin-top:.25rem}
textarea{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:2px solid #595959;border-radius:.375rem;min-height:6rem}
button{font:inherit;font-weight:600;background:#0b4f9c;color:#fff;border:0;border-radius:.375rem;padding:.75rem 1.5rem;min-height:2.75rem}
.error{color:#a4000f;font-weight:600;margin:.25rem 0}.summary{border:2px solid #a4000f;padding:.75rem;border-radius:.375rem;margin-bottom:1rem}
.progress{color:#4a4a4a;font-size:.875rem}a{color:#0b4f9c}`;

function document(language: string, title: string, body: string): string {
  return `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title><style>${SURVEY_PAGE_STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function scaleQuestion(
  question: Question,
  label: string,
  min: number,
  max: number,
  value: unknown,
  ends: [string, string],
  error: string | undefined,
): string {
  const name = fieldName(question);
  const options = [];
  for (let n = min; n <= max; n++) {
    options.push(
      `<label><input type="radio" name="${name}" value="${n}"${value === n ? ' checked' : ''}${question.required ? ' required' : ''}><span>${n}</span></label>`,
    );
  }
  const describedBy = `${name}-ends${error ? ` ${name}-error` : ''}`;
  return `<fieldset id="${name}" aria-describedby="${describedBy}"><legend>${label}</legend>${errorLine(name, error)}<div class="scale">${options.join('')}</div><div class="ends" id="${name}-ends"><span>${escapeHtml(ends[0])}</span><span>${escapeHtml(ends[1])}</span></div></fieldset>`;
}

function errorLine(name: string, error: string | undefined): string {
  return error ? `<p class="error" id="${name}-error">${escapeHtml(error)}</p>` : '';
}

function renderQuestion(
  question: Question,
  definition: Definition,
  language: string,
  answers: JsonObject,
  error: string | undefined,
): string {
  const words = pageWords(language);
  const label = `${escapeHtml(textFor(question.text, language, definition.defaultLanguage))}${question.required ? '' : ` <span class="progress">${words.optional}</span>`}`;
  const value = answers[question.id];
  const name = fieldName(question);
  switch (question.type) {
    case 'nps':
      return scaleQuestion(question, label, 0, 10, value, [words.npsLow ?? '', words.npsHigh ?? ''], error);
    case 'csat':
      return scaleQuestion(question, label, 1, 5, value, [words.csatLow ?? '', words.csatHigh ?? ''], error);
    case 'ces':
      return scaleQuestion(question, label, 1, 7, value, [words.cesLow ?? '', words.cesHigh ?? ''], error);
    case 'text':
      return `<div id="${name}"><label class="q" for="${name}-input">${label}</label>${errorLine(name, error)}<textarea id="${name}-input" name="${name}" maxlength="${MAX_TEXT}"${question.required ? ' required' : ''}>${typeof value === 'string' ? escapeHtml(value) : ''}</textarea></div>`;
    default: {
      const multiple = question.type !== 'single';
      const chosen = new Set(Array.isArray(value) ? value : typeof value === 'string' ? [value] : []);
      const options = choicesOf(question, language, definition.defaultLanguage).map(
        (c) =>
          `<label class="opt"><input type="${multiple ? 'checkbox' : 'radio'}" name="${name}" value="${escapeHtml(c.id)}"${chosen.has(c.id) ? ' checked' : ''}><span>${escapeHtml(c.label)}</span></label>`,
      );
      return `<fieldset id="${name}"${error ? ` aria-describedby="${name}-error"` : ''}><legend>${label}</legend>${errorLine(name, error)}${options.join('')}</fieldset>`;
    }
  }
}

export interface SurveyPageInput {
  definition: Definition;
  language: string;
  companyName: string;
  page: number;
  answers: JsonObject;
  errors?: Record<string, string>;
  /** Where the form posts; absent in the editor's preview, whose button does nothing. */
  action?: string;
}

export function renderSurveyPage(input: SurveyPageInput): string {
  const { definition, language, page } = input;
  const words = pageWords(language);
  const total = usedPageCount(definition);
  const errors = input.errors ?? {};
  const title = textFor(definition.title, language, definition.defaultLanguage) || input.companyName;
  const questions = questionsOnPage(definition, page)
    .map((q) => renderQuestion(q, definition, language, input.answers, errors[q.id]))
    .join('');
  const errorIds = Object.keys(errors);
  const summary = errorIds.length
    ? `<div class="summary" role="alert"><p>${escapeHtml(words.errors ?? '')}</p><ul>${errorIds.map((id) => `<li><a href="#q_${escapeHtml(id)}">${escapeHtml(errors[id] ?? '')}</a></li>`).join('')}</ul></div>`
    : '';
  const progress =
    total > 1
      ? `<p class="progress">${escapeHtml((words.pageOf ?? '').replace('{n}', String(page)).replace('{total}', String(total)))}</p>`
      : '';
  const button = page < total ? words.next : words.submit;
  const form = `<form method="post"${input.action ? ` action="${escapeHtml(input.action)}"` : ''} novalidate><input type="hidden" name="page" value="${page}">${questions}<button type="submit">${escapeHtml(button ?? '')}</button></form>`;
  return document(
    language,
    title,
    `<p class="company">${escapeHtml(input.companyName)}</p><h1>${escapeHtml(title)}</h1>${progress}${summary}${form}`,
  );
}

export function renderThankYou(definition: Definition, language: string, companyName: string, mood: Mood, changeHref: string): string {
  const words = pageWords(language);
  const own = definition.thankYou?.[mood];
  const text = own ? textFor(own, language, definition.defaultLanguage) : (words[mood] ?? '');
  return document(
    language,
    words.thanksTitle ?? 'Thank you',
    `<p class="company">${escapeHtml(companyName)}</p><h1>${escapeHtml(words.thanksTitle ?? '')}</h1><p>${escapeHtml(text)}</p><p><a href="${escapeHtml(changeHref)}">${escapeHtml(words.change ?? '')}</a></p>`,
  );
}

export function renderLinkProblem(problem: 'invalid' | 'expired' | 'closed' | 'staff', language = 'en'): string {
  const words = pageWords(language);
  const title = problem === 'staff' ? words.staffTitle : words.thanksTitle;
  return document(language, title ?? '', `<h1>${escapeHtml(words[problem] ?? '')}</h1>`);
}
