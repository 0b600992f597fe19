import { sql, type Kysely } from 'kysely';
import { systemActor, type Actor } from '../auth/actor.js';
import { resolveCustomer } from '../customers/lookup.js';
import type { Channel } from './tables.js';
import { decodeCursor, exactTime, nextCursor, olderThan } from '../db/cursor.js';
import type { DB } from '../db/schema.js';
import { AppError, collectIssue, invalid, notFound, throwIssues, type FieldIssue } from '../errors.js';
import { newId } from '../ids.js';
import { loadCaseForUpdate, saveCase, transitionCase } from './lifecycle.js';
import { toInteraction, type CaseRow, type InteractionRow } from './mappers.js';
import type { Interaction, InteractionInput } from './schemas.js';
import { requireAgent, requireJob, requireProductLine, requireTeam } from './teams.js';

const REPEAT_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** Channels where an agent on the line is answering the customer as it happens. */
const LIVE_CHANNELS: Channel[] = ['phone', 'chat', 'video', 'store'];

const inTransaction = <T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> =>
  db.isTransaction ? work(db) : db.transaction().execute(work);

/**
 * Records one interaction. Every reference is checked and every bad field named in one
 * answer. On a case it updates the case's contacts and channel switches, counts as the
 * first response when an agent answers, and reopens a resolved case the customer comes
 * back to. An inbound contact within 7 days of a resolution about the same job marks
 * that case as a repeat contact. The same source and externalId again returns the first.
 */
export async function recordInteraction(
  db: Kysely<DB>,
  workspaceId: string,
  input: InteractionInput,
  actor: Actor = systemActor(workspaceId, 'interactions'),
): Promise<{ interaction: Interaction; created: boolean }> {
  return inTransaction(db, async (trx) => {
    if (input.source && input.externalId) {
      const existing = await trx
        .selectFrom('interactions')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('source', '=', input.source)
        .where('external_id', '=', input.externalId)
        .executeTakeFirst();
      if (existing) return { interaction: toInteraction(existing), created: false };
    }
    const issues: FieldIssue[] = [];
    const startedAt = new Date(input.startedAt);
    const endedAt = input.endedAt ? new Date(input.endedAt) : null;
    if (endedAt && endedAt.getTime() < startedAt.getTime()) {
      issues.push({ path: '/endedAt', message: `must not be before startedAt (${startedAt.toISOString()})` });
    }
    const step = <T>(work: () => Promise<T>) =>
      work().catch((error: unknown) =>
        collectIssue(issues, () => {
          throw error;
        }),
      );
    const customer = await resolveCustomer(trx, workspaceId, input.customerId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found')
        throw invalid('/customerId', `customer ${input.customerId} does not exist`);
      throw error;
    });
    const agentId = input.agentId ? await step(() => requireAgent(trx, workspaceId, input.agentId as string, '/agentId')) : null;
    const teamId = input.teamId ? await step(() => requireTeam(trx, workspaceId, input.teamId as string, '/teamId')) : null;
    const jobId = input.jobId ? await step(() => requireJob(trx, workspaceId, input.jobId as string, '/jobId')) : null;
    const productLineId = input.productLineId
      ? await step(() => requireProductLine(trx, workspaceId, input.productLineId as string, '/productLineId'))
      : null;
    let caseRow: CaseRow | undefined;
    if (input.caseId) {
      caseRow = await step(() =>
        loadCaseForUpdate(trx, workspaceId, input.caseId as string).catch(() => {
          throw invalid('/caseId', `case ${input.caseId} does not exist`);
        }),
      );
      if (caseRow && caseRow.customer_id !== customer.id) {
        issues.push({ path: '/caseId', message: `case ${caseRow.id} belongs to another customer` });
      }
    }
    throwIssues(issues);

    const row = await trx
      .insertInto('interactions')
      .values({
        workspace_id: workspaceId,
        id: newId('int', startedAt.getTime()),
        customer_id: customer.id,
        channel: input.channel,
        direction: input.direction,
        agent_user_id: agentId ?? null,
        team_id: teamId ?? caseRow?.team_id ?? null,
        job_id: jobId ?? caseRow?.job_id ?? null,
        case_id: caseRow?.id ?? null,
        product_line_id: productLineId ?? caseRow?.product_line_id ?? null,
        started_at: startedAt,
        ended_at: endedAt,
        outcome: input.outcome ?? null,
        note: input.note ?? null,
        source: input.source ?? null,
        external_id: input.externalId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (row.direction === 'inbound') await markRepeatContacts(trx, row);
    if (caseRow) await noteOnCase(trx, actor, caseRow.id, row);
    return { interaction: toInteraction(row), created: true };
  });
}

/** Keeps a case's behaviour counters and lifecycle in step with a new interaction on it. */
async function noteOnCase(db: Kysely<DB>, actor: Actor, caseId: string, row: InteractionRow): Promise<void> {
  // Read again: marking repeat contacts may just have changed this case.
  const caseRow = await loadCaseForUpdate(db, row.workspace_id, caseId);
  const channels = await db
    .selectFrom('interactions')
    .select('channel')
    .where('workspace_id', '=', row.workspace_id)
    .where('case_id', '=', caseRow.id)
    .orderBy('started_at')
    .orderBy('id')
    .execute();
  const switches = channels.filter((c, i) => i > 0 && c.channel !== channels[i - 1]?.channel).length;
  let current = await saveCase(db, caseRow, { contact_count: channels.length, channel_switches: switches });
  const cause = { interactionId: row.id };
  const answers = row.direction === 'outbound' || (row.agent_user_id !== null && LIVE_CHANNELS.includes(row.channel));
  const at = row.started_at < current.opened_at ? current.opened_at : row.started_at;
  if (current.state === 'resolved' && row.direction === 'inbound') {
    current = await transitionCase(db, actor, current, 'reopen', { at, cause });
  }
  if (answers && !current.first_responded_at && ['open', 'assigned', 'reopened', 'pending'].includes(current.state)) {
    await transitionCase(db, actor, current, 'respond', { at, cause });
  }
}

/** Resolved cases of this customer that the inbound contact comes back about, within 7 days. */
async function markRepeatContacts(db: Kysely<DB>, row: InteractionRow): Promise<void> {
  const since = new Date(row.started_at.getTime() - REPEAT_WINDOW_MS);
  const cases = await db
    .selectFrom('cases')
    .selectAll()
    .where('workspace_id', '=', row.workspace_id)
    .where('customer_id', '=', row.customer_id)
    .where('state', 'in', ['resolved', 'closed'])
    .where('resolved_at', '>=', since)
    .where('resolved_at', '<', row.started_at)
    .where('repeat_contact_at', 'is', null)
    .where((eb) => (row.job_id ? eb.or([eb('job_id', 'is', null), eb('job_id', '=', row.job_id)]) : eb.lit(true)))
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const c of cases) await saveCase(db, c, { repeat_contact_at: row.started_at });
}

/**
 * Records many interactions, each in its own transaction: one bad row is reported by its
 * index with its reason and does not stop or undo the others.
 */
export async function recordInteractions(db: Kysely<DB>, actor: Actor, inputs: InteractionInput[]) {
  const results: Array<{ index: number; id?: string; error?: { code: string; message: string; issues?: FieldIssue[] } }> = [];
  for (const [index, input] of inputs.entries()) {
    try {
      const { interaction } = await recordInteraction(db, actor.workspaceId, input, actor);
      results.push({ index, id: interaction.id });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const issues = error.details.issues?.map((i) => ({ path: `/interactions/${index}${i.path}`, message: i.message }));
      results.push({ index, error: { code: error.code, message: `row ${index}: ${error.message}`, ...(issues ? { issues } : {}) } });
    }
  }
  const failed = results.filter((r) => r.error).length;
  return { recorded: results.length - failed, failed, results };
}

/** The interaction row with this id in the workspace, if any. */
export async function findInteractionRow(db: Kysely<DB>, workspaceId: string, id: string): Promise<InteractionRow | undefined> {
  return db.selectFrom('interactions').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function getInteraction(db: Kysely<DB>, workspaceId: string, id: string): Promise<Interaction> {
  const row = await findInteractionRow(db, workspaceId, id);
  if (!row) throw notFound('Interaction', id);
  return toInteraction(row);
}

/**
 * Interactions that started in [from, to], only on some channels or about some jobs when
 * asked, as `x`: a query to narrow and page (feedback's survey sweep finds those it has not
 * asked about yet).
 */
export function interactionsStartedBetween(
  db: Kysely<DB>,
  workspaceId: string,
  from: Date,
  to: Date,
  filter: { channels?: readonly Channel[] | undefined; jobIds?: readonly string[] | undefined } = {},
) {
  let q = db
    .selectFrom('interactions as x')
    .select(['x.id', 'x.customer_id', 'x.case_id'])
    .where('x.workspace_id', '=', workspaceId)
    .where('x.started_at', '>=', from)
    .where('x.started_at', '<=', to);
  if (filter.channels?.length) q = q.where('x.channel', 'in', filter.channels);
  if (filter.jobIds?.length) q = q.where('x.job_id', 'in', filter.jobIds);
  return q;
}

/** A customer's or a case's interactions, newest first. */
export async function listInteractions(
  db: Kysely<DB>,
  workspaceId: string,
  query: { customerId?: string | undefined; caseId?: string | undefined; before?: string | undefined; limit: number },
): Promise<{ data: Interaction[]; nextCursor: string | null }> {
  if (!query.customerId && !query.caseId) throw invalid('/customerId', 'give a customerId or a caseId');
  const cursor = query.before === undefined ? null : decodeCursor(query.before, '/before');
  let q = db
    .selectFrom('interactions')
    .selectAll()
    .select(exactTime(sql`started_at`).as('cursor_at'))
    .where('workspace_id', '=', workspaceId);
  if (query.customerId) q = q.where('customer_id', '=', (await resolveCustomer(db, workspaceId, query.customerId)).id);
  if (query.caseId) q = q.where('case_id', '=', query.caseId);
  if (cursor) q = q.where(olderThan(sql`started_at`, sql`id`, cursor));
  const rows = await q
    .orderBy(sql`started_at`, 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .execute();
  return {
    data: rows.map(toInteraction),
    nextCursor: nextCursor(
      rows.map((row) => ({ id: row.id, cursorAt: row.cursor_at })),
      query.limit,
    ),
  };
}
