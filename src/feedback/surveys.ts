import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import type { SurveysTable } from './tables.js';
import { AppError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { requireJob } from '../service/teams.js';
import { toIsoOrNull, toIso } from '../time.js';
import { getWorkspace } from '../workspaces/service.js';
import { pickLanguage, surveyLanguages, usedPageCount, validateDefinition } from './definition.js';
import { renderSurveyPage } from './page-render.js';
import type { Definition, PreviewInput, Survey, SurveyChanges, SurveyInput, Trigger } from './schemas.js';

export type SurveyRow = Selectable<SurveysTable>;

export function toSurvey(row: SurveyRow): Survey {
  const definition = row.definition as unknown as Definition;
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    definition,
    trigger: row.trigger as Trigger,
    samplingRate: Number(row.sampling_rate),
    languages: surveyLanguages(definition),
    activatedAt: toIsoOrNull(row.activated_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** Job codes become ids; a trigger that could never fire for its kind is refused. */
async function checkTrigger(db: Kysely<DB>, workspaceId: string, kind: SurveyRow['kind'], trigger: Trigger): Promise<Trigger> {
  const jobIds = trigger.jobIds
    ? await Promise.all(trigger.jobIds.map((j, i) => requireJob(db, workspaceId, j, `/trigger/jobIds/${i}`)))
    : undefined;
  if (kind === 'relationship' && trigger.events?.length)
    throw invalid('/trigger/events', 'a relationship survey runs on a cadence, not after events');
  if (kind === 'interaction' && trigger.cadenceDays !== undefined) throw invalid('/trigger/cadenceDays', 'is for relationship surveys');
  return { ...trigger, ...(jobIds ? { jobIds } : {}) };
}

function checkActivation(kind: SurveyRow['kind'], status: SurveyRow['status'], trigger: Trigger): void {
  if (status !== 'active') return;
  if (kind === 'relationship' && !trigger.cadenceDays)
    throw invalid('/trigger/cadenceDays', 'an active relationship survey needs a cadence');
  if (kind === 'interaction' && !trigger.events?.length) {
    throw invalid('/trigger/events', 'an active interaction survey needs interaction or case_resolved');
  }
}

export async function createSurvey(db: Kysely<DB>, workspaceId: string, input: SurveyInput, now = new Date()): Promise<Survey> {
  validateDefinition(input.definition);
  const trigger = await checkTrigger(db, workspaceId, input.kind, input.trigger ?? {});
  const status = input.status ?? 'draft';
  checkActivation(input.kind, status, trigger);
  const row = await db
    .insertInto('surveys')
    .values({
      workspace_id: workspaceId,
      id: newId('srv'),
      name: input.name,
      kind: input.kind,
      status,
      definition: JSON.stringify(input.definition),
      trigger: JSON.stringify(trigger),
      sampling_rate: input.samplingRate ?? 1,
      activated_at: status === 'active' ? now : null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row)
    throw new AppError('conflict', `A survey named "${input.name}" already exists`, { issues: [{ path: '/name', message: 'is taken' }] });
  return toSurvey(row);
}

export async function requireSurvey(db: Kysely<DB>, workspaceId: string, id: string): Promise<SurveyRow> {
  const row = await db.selectFrom('surveys').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Survey', id);
  return row;
}

export async function listSurveys(db: Kysely<DB>, workspaceId: string): Promise<Survey[]> {
  const rows = await db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toSurvey);
}

/** The survey page exactly as a customer would see it, for a draft definition (checked first). */
export async function previewSurvey(
  db: Kysely<DB>,
  workspaceId: string,
  input: PreviewInput,
): Promise<{ language: string; pages: number; html: string }> {
  const { definition } = input;
  validateDefinition(definition);
  const language = pickLanguage(definition, input.language);
  const workspace = await getWorkspace(db, workspaceId);
  const pages = usedPageCount(definition);
  const page = Math.min(input.page ?? 1, pages);
  return { language, pages, html: renderSurveyPage({ definition, language, companyName: workspace.name, page, answers: {} }) };
}

export async function updateSurvey(
  db: Kysely<DB>,
  workspaceId: string,
  id: string,
  changes: SurveyChanges,
  now = new Date(),
): Promise<Survey> {
  const before = await requireSurvey(db, workspaceId, id);
  if (changes.definition) validateDefinition(changes.definition);
  const trigger = changes.trigger ? await checkTrigger(db, workspaceId, before.kind, changes.trigger) : (before.trigger as Trigger);
  const status = changes.status ?? before.status;
  checkActivation(before.kind, status, trigger);
  if (changes.name && changes.name !== before.name) {
    const taken = await db
      .selectFrom('surveys')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', changes.name)
      .executeTakeFirst();
    if (taken)
      throw new AppError('conflict', `A survey named "${changes.name}" already exists`, {
        issues: [{ path: '/name', message: 'is taken' }],
      });
  }
  const row = await db
    .updateTable('surveys')
    .set({
      ...(changes.name ? { name: changes.name } : {}),
      ...(changes.definition ? { definition: JSON.stringify(changes.definition) } : {}),
      ...(changes.trigger ? { trigger: JSON.stringify(trigger as JsonObject) } : {}),
      ...(changes.samplingRate !== undefined ? { sampling_rate: changes.samplingRate } : {}),
      status,
      // Going live (again) starts the window the sweep looks at: nothing older is surveyed.
      ...(status === 'active' && before.status !== 'active' ? { activated_at: now } : {}),
      updated_at: now,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSurvey(row);
}
