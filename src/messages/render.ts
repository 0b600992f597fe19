import { Liquid, LiquidError } from 'liquidjs';
import type { Kysely } from 'kysely';
import type { CustomerRow, DB } from '../db/tables.js';
import { invalid } from '../errors.js';

/** The names a template may use at its top level. */
export const TEMPLATE_VARIABLES = ['customer', 'holdings', 'data', 'workspace'] as const;

// Strict: an unknown filter fails on save and a missing variable fails at render, so a
// customer never reads "Dear ," — `{% if %}` and `default` still test for absent values.
const engine = new Liquid({ strictFilters: true, strictVariables: true, lenientIf: true, ownPropertyOnly: true, cache: 200 });

engine.registerFilter('money', (amountMinor: unknown, currency: unknown = 'GBP', language: unknown = 'en-GB') => {
  const amount = Number(amountMinor);
  if (!Number.isFinite(amount)) return '';
  return new Intl.NumberFormat(String(language), { style: 'currency', currency: String(currency) }).format(amount / 100);
});

function describe(error: unknown): string {
  if (error instanceof LiquidError) {
    // liquidjs appends the template excerpt to its message; the first line names line and column.
    return error.message.split('\n')[0] ?? error.message;
  }
  return (error as Error).message;
}

/** Checks a template's syntax, filters and top-level names; throws a validation error naming the field. */
export function validateTemplateText(field: string, text: string): void {
  let names: string[];
  try {
    names = engine.globalVariablesSync(text);
  } catch (error) {
    throw invalid(field, describe(error));
  }
  const unknown = [...new Set(names.map((name) => name.split(/[.[]/)[0] ?? name))].filter(
    (name) => !(TEMPLATE_VARIABLES as readonly string[]).includes(name),
  );
  if (unknown.length) {
    throw invalid(field, `unknown variable ${unknown.join(', ')}; a template may use ${TEMPLATE_VARIABLES.join(', ')}`);
  }
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
    db.selectFrom('workspaces').select('name').where('id', '=', customer.workspace_id).executeTakeFirstOrThrow(),
    db
      .selectFrom('holdings as h')
      .innerJoin('products as p', (join) => join.onRef('p.workspace_id', '=', 'h.workspace_id').onRef('p.id', '=', 'h.product_id'))
      .innerJoin('product_lines as l', (join) =>
        join.onRef('l.workspace_id', '=', 'p.workspace_id').onRef('l.id', '=', 'p.product_line_id'),
      )
      .leftJoin('plans as pl', (join) => join.onRef('pl.workspace_id', '=', 'h.workspace_id').onRef('pl.id', '=', 'h.plan_id'))
      .select(['p.name as product', 'pl.name as plan', 'l.name as product_line', 'h.started_at', 'h.price_minor', 'h.currency'])
      .where('h.workspace_id', '=', customer.workspace_id)
      .where('h.customer_id', '=', customer.id)
      .where('h.status', '=', 'active')
      .orderBy('h.started_at')
      .execute(),
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

/** Renders a subject and body; a variable the template needs but the context lacks is a validation error on `/data`. */
export function renderTemplate(template: { subject: string; body: string }, context: TemplateContext): { subject: string; body: string } {
  try {
    return {
      subject: engine.parseAndRenderSync(template.subject, context).trim(),
      body: engine.parseAndRenderSync(template.body, context).trim(),
    };
  } catch (error) {
    throw invalid('/data', `the template could not be filled in: ${describe(error)}`);
  }
}
