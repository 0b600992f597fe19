import { sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import type { EarningRuleKind } from './tables.js';
import { referralsQuery } from '../customers/referrals.js';
import { responsesQuery } from '../feedback/responses.js';
import { holdingsQuery } from '../holdings/service.js';
import { transactionsQuery } from '../holdings/transactions.js';
import { newId } from '../ids.js';
import { recordAudit } from '../workspaces/audit.js';
import { toEarningRule } from './mappers.js';
import type { EarningRule, EarningRuleInput, LoyaltySettings } from './schemas.js';

// Earning rules are data (one per kind). Applying them is set-based: one INSERT … SELECT
// per kind writes an earn entry for every qualifying source not yet counted; the unique
// source key makes a second run a no-op, so the job may run any number of times.

export async function getLoyaltySettings(db: Kysely<DB>, workspaceId: string): Promise<LoyaltySettings> {
  const row = await db.selectFrom('loyalty_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  return { tierWindowDays: row?.tier_window_days ?? 365, pointsExpiryDays: row?.points_expiry_days ?? 730 };
}

export async function setLoyaltySettings(db: Kysely<DB>, actor: Actor, input: LoyaltySettings): Promise<LoyaltySettings> {
  await db
    .insertInto('loyalty_settings')
    .values({ workspace_id: actor.workspaceId, tier_window_days: input.tierWindowDays, points_expiry_days: input.pointsExpiryDays })
    .onConflict((oc) =>
      oc.column('workspace_id').doUpdateSet({
        tier_window_days: input.tierWindowDays,
        points_expiry_days: input.pointsExpiryDays,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
  await recordAudit(db, actor, {
    action: 'loyalty.settings_changed',
    entityType: 'workspace',
    entityId: actor.workspaceId,
    changes: { ...input },
  });
  return input;
}

export async function listEarningRules(db: Kysely<DB>, workspaceId: string): Promise<EarningRule[]> {
  const rows = await db.selectFrom('loyalty_earning_rules').selectAll().where('workspace_id', '=', workspaceId).orderBy('kind').execute();
  return rows.map(toEarningRule);
}

/** Creates or replaces the rule of a kind. */
export async function putEarningRule(db: Kysely<DB>, actor: Actor, input: EarningRuleInput): Promise<EarningRule> {
  const values = { name: input.name, points: input.points ?? 0, points_per_unit: input.pointsPerUnit ?? 0, active: input.active ?? true };
  const row = await db
    .insertInto('loyalty_earning_rules')
    .values({ workspace_id: actor.workspaceId, id: newId('ler'), kind: input.kind, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'kind']).doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'loyalty.rule_set', entityType: 'loyalty_earning_rule', entityId: row.id, changes: { ...input } });
  return toEarningRule(row);
}

const ENTRY_ID = sql`'lpe_' || replace(gen_random_uuid()::text, '-', '')`;

/**
 * The SELECT of new earn entries for one kind: (customer_id, points, source_key, reason,
 * occurred_at), over the subqueries the owners of the sources export.
 */
function qualifying(db: Kysely<DB>, kind: EarningRuleKind, workspaceId: string, rule: { points: number; perUnit: number }, now: Date) {
  const points = sql<number>`${rule.points}::int`;
  switch (kind) {
    case 'purchase':
      // Points per whole unit spent (amounts are minor units: 100 per unit), plus any flat points.
      return db
        .selectFrom(transactionsQuery(db, workspaceId).as('t'))
        .select((eb) => [
          't.customer_id',
          sql<number>`${points} + (${eb.ref('t.amount_minor')} / 100) * ${rule.perUnit}::int`.as('points'),
          sql<string>`'purchase:' || ${eb.ref('t.id')}`.as('source_key'),
          sql<string>`coalesce(${eb.ref('t.description')}, 'Purchase')`.as('reason'),
          't.occurred_at',
        ])
        .where('t.kind', '=', 'purchase')
        .where('t.amount_minor', '>', 0)
        .where('t.occurred_at', '<=', now);
    case 'tenure': {
      // One entry per whole year since the customer's first holding began.
      const tenure = db
        .selectFrom(holdingsQuery(db, workspaceId).as('h'))
        .select((eb) => ['h.customer_id', eb.fn.min('h.started_at').as('since')])
        .groupBy('h.customer_id');
      return db
        .selectFrom(tenure.as('t'))
        .crossJoinLateral(sql<{ y: number }>`generate_series(1, extract(year from age(${now}, t.since))::int)`.as('y'))
        .select((eb) => [
          't.customer_id',
          points.as('points'),
          sql<string>`'tenure:' || ${eb.ref('t.customer_id')} || ':' || ${eb.ref('y.y')}`.as('source_key'),
          sql<string>`${eb.ref('y.y')} || ' year' || case when ${eb.ref('y.y')} = 1 then '' else 's' end || ' with us'`.as('reason'),
          sql<Date>`${eb.ref('t.since')} + make_interval(years => ${eb.ref('y.y')})`.as('occurred_at'),
        ]);
    }
    case 'survey':
      return db
        .selectFrom(responsesQuery(db, workspaceId).as('r'))
        .select((eb) => [
          'r.customer_id',
          points.as('points'),
          sql<string>`'survey:' || ${eb.ref('r.id')}`.as('source_key'),
          sql.lit('Answered a survey').as('reason'),
          'r.answered_at as occurred_at',
        ])
        .where('r.status', '=', 'complete')
        .where('r.answered_at', '<=', now);
    case 'referral':
      // It counts once the referred customer holds something.
      return db
        .selectFrom(referralsQuery(db, workspaceId).as('f'))
        .innerJoin(holdingsQuery(db, workspaceId).as('h'), 'h.customer_id', 'f.customer_id')
        .select((eb) => [
          'f.referrer_id as customer_id',
          points.as('points'),
          sql<string>`'referral:' || ${eb.ref('f.customer_id')}`.as('source_key'),
          sql<string>`'Referred ' || coalesce(${eb.ref('f.display_name')}, 'a friend')`.as('reason'),
          eb.fn.min('h.started_at').as('occurred_at'),
        ])
        .groupBy(['f.referrer_id', 'f.customer_id', 'f.display_name']);
  }
}

/**
 * Writes the earn entries every active rule qualifies for that are not written yet, each
 * a lot expiring `pointsExpiryDays` after it was earned. Returns entries written.
 */
export async function applyEarningRules(db: Kysely<DB>, workspaceId: string, options: { now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const settings = await getLoyaltySettings(db, workspaceId);
  const rules = await db
    .selectFrom('loyalty_earning_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('active', '=', true)
    .execute();
  let written = 0;
  for (const rule of rules) {
    const select = qualifying(db, rule.kind, workspaceId, { points: rule.points, perUnit: rule.points_per_unit }, now);
    const result = await sql`
      insert into loyalty_entries (workspace_id, id, customer_id, kind, points, source_key, rule_id, reason, occurred_at, expires_at)
      select ${workspaceId}, ${ENTRY_ID}, q.customer_id, 'earn', q.points, q.source_key, ${rule.id}, q.reason, q.occurred_at,
        q.occurred_at + make_interval(days => ${settings.pointsExpiryDays})
      from ${select} q
      where q.points > 0
      on conflict (workspace_id, source_key) do nothing`.execute(db);
    written += Number(result.numAffectedRows ?? 0);
  }
  return written;
}
