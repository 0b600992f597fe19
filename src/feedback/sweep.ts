import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Pacing } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { liveCustomersQuery } from '../customers/lookup.js';
import { AppError } from '../errors.js';
import { casesResolvedBetween } from '../service/cases.js';
import { interactionsStartedBetween } from '../service/interactions.js';
import { inviteCustomer, type InviteConfig, type Subject } from './invitations.js';
import type { Trigger } from './schemas.js';
import type { SurveyRow } from './surveys.js';

// The trigger sweep: finds what happened since each live survey went live (interactions,
// resolved cases, or customers due in a relationship cadence) and invites for each subject
// not yet considered. The unique (survey, subject) key makes it idempotent: a rerun, or two
// workers at once, invite nobody twice, and subjects the rules left out are remembered too.

/** A survey is claimed for this long; an unfinished round is picked up again after it. */
const LEASE_MS = 30_000;
const DAY_MS = 86_400_000;

export interface SweepOptions {
  now?: Date;
  /** Subjects considered per survey per round. */
  batch?: number;
  onError?: (error: unknown, subject: string) => void;
  /** On embedded PGlite: requests get their turn before each invitation (see Pacing). */
  pacing?: Pacing | undefined;
}

export interface SweepResult {
  surveys: number;
  sent: number;
  suppressed: number;
  skipped: number;
}

/** Claims the next live survey no other worker is on, or none. */
async function claimSurvey(db: Kysely<DB>, now: Date): Promise<SurveyRow | undefined> {
  const { rows } = await sql<SurveyRow>`update surveys set swept_at = ${now}
    where (workspace_id, id) = (
      select workspace_id, id from surveys
      where status = 'active' and activated_at is not null and (swept_at is null or swept_at <= ${new Date(now.getTime() - LEASE_MS)})
      order by swept_at nulls first, workspace_id, id
      limit 1 for update skip locked)
    returning *`.execute(db);
  return rows[0];
}

type Candidate = { customerId: string; subject: Subject };

/** The survey has no invitation row yet for this subject key (sent, suppressed or skipped). */
function notInvited(survey: SurveyRow, subjectKey: RawBuilder<string>) {
  return sql<SqlBool>`not exists (select 1 from survey_invitations i
    where i.workspace_id = ${survey.workspace_id} and i.survey_id = ${survey.id} and i.subject_key = ${subjectKey})`;
}

async function candidates(db: Kysely<DB>, survey: SurveyRow, now: Date, batch: number): Promise<Candidate[]> {
  const trigger = survey.trigger as Trigger;
  const ws = survey.workspace_id;
  const since = survey.activated_at as Date;
  const found: Candidate[] = [];
  if (survey.kind === 'relationship') {
    if (!trigger.cadenceDays) return [];
    // Periods count from when the survey went live: each customer is asked once per period.
    const period = Math.floor((now.getTime() - since.getTime()) / (trigger.cadenceDays * DAY_MS));
    const rows = await liveCustomersQuery(db, ws)
      .where((eb) => notInvited(survey, sql<string>`${`period:${period}:`} || ${eb.ref('c.id')}`))
      .orderBy('c.id')
      .limit(batch)
      .execute();
    return rows.map((r) => ({ customerId: r.id, subject: { key: `period:${period}:${r.id}` } }));
  }
  const events = trigger.events ?? [];
  const filter = { channels: trigger.channels, jobIds: trigger.jobIds };
  if (events.includes('interaction')) {
    const rows = await interactionsStartedBetween(db, ws, since, now, filter)
      .where((eb) => notInvited(survey, sql<string>`'int:' || ${eb.ref('x.id')}`))
      .orderBy('x.started_at')
      .orderBy('x.id')
      .limit(batch)
      .execute();
    found.push(
      ...rows.map((r) => ({ customerId: r.customer_id, subject: { key: `int:${r.id}`, interactionId: r.id, caseId: r.case_id } })),
    );
  }
  if (events.includes('case_resolved')) {
    const rows = await casesResolvedBetween(db, ws, since, now, filter)
      // A follow-up case gets its own re-survey; surveying it again would ask twice.
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('survey_followups as f')
              .select('f.case_id')
              .whereRef('f.workspace_id', '=', 'c.workspace_id')
              .whereRef('f.case_id', '=', 'c.id'),
          ),
        ),
      )
      .where((eb) => notInvited(survey, sql<string>`'case:' || ${eb.ref('c.id')}`))
      .orderBy('c.resolved_at')
      .orderBy('c.id')
      .limit(batch)
      .execute();
    found.push(...rows.map((r) => ({ customerId: r.customer_id, subject: { key: `case:${r.id}`, caseId: r.id } })));
  }
  return found;
}

/**
 * One round over every live survey. Each subject is invited in its own transaction, so one
 * that fails (a customer erased meanwhile) is reported and the rest go on; the sampling
 * decision hashes the survey and subject, so a rerun decides the same.
 */
export async function runSurveySweep(db: Kysely<DB>, config: InviteConfig, options: SweepOptions = {}): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const batch = options.batch ?? 500;
  const result: SweepResult = { surveys: 0, sent: 0, suppressed: 0, skipped: 0 };
  for (;;) {
    const survey = await claimSurvey(db, now);
    if (!survey) return result;
    result.surveys++;
    for (const candidate of await candidates(db, survey, now, batch)) {
      await options.pacing?.beforeUnit();
      try {
        const row = await db
          .transaction()
          .execute((trx) => inviteCustomer(trx, config, survey, candidate.customerId, candidate.subject, { now, sample: true }));
        result[row.status]++;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        options.onError?.(error, candidate.subject.key);
      }
    }
  }
}
