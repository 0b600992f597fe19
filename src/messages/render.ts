import type { Kysely } from 'kysely';
import type { CustomerRow } from '../customers/tables.js';
import type { DB } from '../db/schema.js';
import { invalid } from '../errors.js';
import { listActiveHoldingNames } from '../holdings/service.js';
import { getWorkspace } from '../workspaces/service.js';
import {
  describeTemplateError,
  parseTemplateText,
  renderTemplateText,
  TemplateFailure,
  templateVariables,
  type TemplateFailureReason,
} from './template-engine.js';

/** The names a template may use at its top level. */
export const TEMPLATE_VARIABLES = ['customer', 'holdings', 'data', 'workspace'] as const;

/** A stored or draft template broke a sandbox rule or a limit in one of its fields. */
export class TemplateFieldFailure extends Error {
  constructor(
    readonly field: '/subject' | '/body',
    readonly reason: TemplateFailureReason,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'TemplateFieldFailure';
  }
}

// What a trial render sees: enough to run a template's own loops and filters at save,
// so a template past a limit whatever the data is refused then, not at send.
const SAMPLE_CONTEXT: TemplateContext = {
  customer: { id: 'cus_sample', first_name: 'Ada', last_name: 'Lovelace', name: 'Ada Lovelace', language: 'en' },
  holdings: [{ product: 'Broadband', plan: 'Fibre 500', product_line: 'Home', since: '2024-01-01', price_minor: 3500, currency: 'GBP' }],
  data: {},
  workspace: { name: 'Sample' },
};

/**
 * The sandbox rule or limit a template breaks, if any: a refused tag, or a limit its trial
 * render on sample data reaches. Other errors (syntax, names) are not this check's concern.
 */
export function findTemplateRuleBreak(text: string): TemplateFailure | undefined {
  try {
    // A copy each time: `{% increment %}` writes into the context it is given.
    renderTemplateText(text, structuredClone(SAMPLE_CONTEXT), undefined, { strictVariables: false });
    return undefined;
  } catch (error) {
    return error instanceof TemplateFailure ? error : undefined;
  }
}

/** Checks a template's syntax, sandbox rules, limits, filters and top-level names; throws a validation error naming the field. */
export function validateTemplateText(field: string, text: string): void {
  let names: string[];
  try {
    names = templateVariables(parseTemplateText(text));
  } catch (error) {
    throw invalid(field, describeTemplateError(error));
  }
  const unknown = [...new Set(names.map((name) => name.split(/[.[]/)[0] ?? name))].filter(
    (name) => !(TEMPLATE_VARIABLES as readonly string[]).includes(name),
  );
  if (unknown.length) {
    throw invalid(field, `unknown variable ${unknown.join(', ')}; a template may use ${TEMPLATE_VARIABLES.join(', ')}`);
  }
  const broken = findTemplateRuleBreak(text);
  if (broken) throw invalid(field, broken.message);
}

export interface TemplateContext {
  customer: { id: string; first_name: string | null; last_name: string | null; name: string | null; language: string };
  holdings: Array<{ product: string; plan: string | null; product_line: string; since: string; price_minor: number; currency: string }>;
  data: Record<string, unknown>;
  workspace: { name: string };
  [key: string]: unknown;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** What a template can say about a customer: their name, what they hold, the workspace. */
export async function buildContext(
  db: Kysely<DB>,
  customer: CustomerRow,
  options: { language: string; data: Record<string, unknown> },
): Promise<TemplateContext> {
  const [workspace, holdings] = await Promise.all([
    getWorkspace(db, customer.workspace_id),
    listActiveHoldingNames(db, customer.workspace_id, customer.id),
  ]);
  const traits = customer.traits;
  const firstName = text(traits.firstName) ?? text(customer.display_name?.split(' ')[0]);
  return {
    customer: {
      id: customer.id,
      first_name: firstName,
      last_name: text(traits.lastName),
      name: text(customer.display_name),
      language: options.language,
    },
    holdings: holdings.map((h) => ({
      product: h.product,
      plan: h.plan,
      product_line: h.product_line,
      since: h.started_at.toISOString().slice(0, 10),
      price_minor: h.price_minor,
      currency: h.currency,
    })),
    data: options.data,
    workspace: { name: workspace.name },
  };
}

/**
 * Renders a subject and body. A sandbox rule or limit throws a TemplateFieldFailure naming
 * the field; a variable the template needs but the context lacks is a validation error on `/data`.
 */
export function renderTemplate(template: { subject: string; body: string }, context: TemplateContext): { subject: string; body: string } {
  const render = (field: '/subject' | '/body', text: string) => {
    try {
      return renderTemplateText(text, context).trim();
    } catch (error) {
      if (error instanceof TemplateFailure) throw new TemplateFieldFailure(field, error.reason, error.message);
      throw invalid('/data', `the template could not be filled in: ${describeTemplateError(error)}`);
    }
  };
  return { subject: render('/subject', template.subject), body: render('/body', template.body) };
}
