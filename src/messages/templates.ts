import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { MessagePurpose, MessageTemplatesTable } from './tables.js';
import type { Selectable } from 'kysely';
import { AppError, collectIssue, invalid, notFound, throwIssues, type FieldIssue } from '../errors.js';
import { newId } from '../ids.js';
import { resolveCustomer } from '../customers/lookup.js';
import { toTemplate } from './mappers.js';
import { buildContext, renderTemplate, TemplateFieldFailure, validateTemplateText } from './render.js';
import type { PreviewInput, Template, TemplateChanges, TemplateInput } from './schemas.js';
import { getSettings } from './settings.js';

function validate(input: { subject?: string | undefined; body?: string | undefined }): void {
  const issues: FieldIssue[] = [];
  if (input.subject !== undefined) collectIssue(issues, () => validateTemplateText('/subject', input.subject as string));
  if (input.body !== undefined) collectIssue(issues, () => validateTemplateText('/body', input.body as string));
  throwIssues(issues);
}

/** Stores a template version for a key and language; the text is checked first. */
export async function createTemplate(db: Kysely<DB>, workspaceId: string, input: TemplateInput): Promise<Template> {
  validate(input);
  const existing = await db
    .selectFrom('message_templates')
    .select(['purpose'])
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', input.key)
    .executeTakeFirst();
  if (existing && existing.purpose !== input.purpose) {
    throw new AppError('validation_failed', `/purpose: template ${input.key} is for ${existing.purpose} in its other languages`, {
      issues: [{ path: '/purpose', message: `must be ${existing.purpose}, like the other languages of ${input.key}` }],
    });
  }
  const { sampleData, ...text } = input;
  const row = await db
    .insertInto('message_templates')
    .values({ workspace_id: workspaceId, id: newId('tpl'), ...text, sample_data: JSON.stringify(sampleData ?? {}) })
    .onConflict((oc) => oc.columns(['workspace_id', 'key', 'language']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('conflict', `Template ${input.key} already exists in ${input.language}; change it instead`);
  return toTemplate(row);
}

/**
 * Adds the templates a workspace does not have yet (by key and language) and leaves the ones
 * it has alone, edited or not: how a capability ships its default wording (giving's offers).
 */
export async function ensureTemplates(
  db: Kysely<DB>,
  workspaceId: string,
  templates: Array<{ key: string; purpose: MessagePurpose; language: string; subject: string; body: string }>,
): Promise<void> {
  if (templates.length === 0) return;
  await db
    .insertInto('message_templates')
    .values(templates.map((t) => ({ workspace_id: workspaceId, id: newId('tpl'), ...t })))
    .onConflict((oc) => oc.columns(['workspace_id', 'key', 'language']).doNothing())
    .execute();
}

export async function updateTemplate(db: Kysely<DB>, workspaceId: string, id: string, changes: TemplateChanges): Promise<Template> {
  validate(changes);
  const { sampleData, ...text } = changes;
  const row = await db
    .updateTable('message_templates')
    .set({ ...text, ...(sampleData ? { sample_data: JSON.stringify(sampleData) } : {}), updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('Template', id);
  return toTemplate(row);
}

export async function getTemplate(db: Kysely<DB>, workspaceId: string, id: string): Promise<Template> {
  const row = await db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Template', id);
  return toTemplate(row);
}

export async function listTemplates(db: Kysely<DB>, workspaceId: string): Promise<Template[]> {
  const rows = await db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('key')
    .orderBy('language')
    .execute();
  return rows.map(toTemplate);
}

/** The languages to try for a customer: their tag, its primary language, then the workspace default. */
export function languageFallbacks(customerLanguage: string | null, defaultLanguage: string): string[] {
  const chain: string[] = [];
  if (customerLanguage) {
    chain.push(customerLanguage);
    const primary = customerLanguage.split('-')[0];
    if (primary) chain.push(primary);
  }
  chain.push(defaultLanguage, defaultLanguage.split('-')[0] ?? defaultLanguage);
  return [...new Set(chain.map((tag) => tag.toLowerCase()))];
}

/** Whether the workspace has a template for a key, in any language. */
export async function hasTemplate(db: Kysely<DB>, workspaceId: string, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('message_templates')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', key)
    .executeTakeFirst();
  return Boolean(row);
}

/** The best template version for a key and a customer's language; not found names the key and languages tried. */
export async function findTemplate(
  db: Kysely<DB>,
  workspaceId: string,
  key: string,
  languages: string[],
): Promise<Selectable<MessageTemplatesTable>> {
  const rows = await db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', key)
    .execute();
  for (const language of languages) {
    const row = rows.find((r) => r.language.toLowerCase() === language);
    if (row) return row;
  }
  if (rows.length === 0) throw new AppError('not_found', `Template ${key} was not found`);
  throw new AppError(
    'not_found',
    `Template ${key} has no version in ${languages.join(', ')} (it has ${rows.map((r) => r.language).join(', ')})`,
  );
}

/** Renders a stored template or a draft for one customer, exactly as a message would read. */
export async function previewTemplate(db: Kysely<DB>, workspaceId: string, input: PreviewInput) {
  const customer = await resolveCustomer(db, workspaceId, input.customerId);
  const settings = await getSettings(db, workspaceId);
  let template: { subject: string; body: string; language: string };
  if (input.subject !== undefined && input.body !== undefined) {
    validate(input);
    template = { subject: input.subject, body: input.body, language: input.language ?? customer.language ?? settings.defaultLanguage };
  } else if (input.templateKey) {
    const languages = input.language ? [input.language.toLowerCase()] : languageFallbacks(customer.language, settings.defaultLanguage);
    template = await findTemplate(db, workspaceId, input.templateKey, languages);
  } else {
    throw new AppError('validation_failed', 'Give templateKey, or subject and body', {
      issues: [{ path: '/templateKey', message: 'is required when subject and body are not given' }],
    });
  }
  const context = await buildContext(db, customer, {
    language: template.language,
    data: input.data ?? {},
  });
  try {
    return { language: template.language, ...renderTemplate(template, context) };
  } catch (error) {
    // A stored template saved before the sandbox, or a limit these data reach: the template's field is at fault.
    if (error instanceof TemplateFieldFailure) throw invalid(error.field, error.problem);
    throw error;
  }
}
