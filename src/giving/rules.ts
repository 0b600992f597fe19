import { sql, type Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { Actor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import type { GivingRuleKind } from './tables.js';
import type { JsonObject } from '../db/columns.js';
import { invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { toIso } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';

// The giving rules are data: one row per kind with its thresholds in `config`. Each kind's
// config has a schema with defaults, so a workspace changes only what it needs to.

const Minor = (def: number, description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000, default: def, description });
const Days = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 3650, default: def, description });

export const BestTariffConfig = Type.Object(
  {
    months: Type.Integer({ minimum: 1, maximum: 12, default: 3, description: 'Full calendar months of usage costed' }),
    percentile: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.8,
      description: 'A plan covers the usage when at least ceil(percentile × months) of the months fit its allowances (nearest-rank)',
    }),
    minMonthlySavingMinor: Minor(100, 'Smallest monthly saving worth a gift'),
    declineCooldownDays: Days(180, 'After a decline, the same holding is not offered again for this long'),
    offerDays: Days(30, 'How long the offer stands before it expires'),
  },
  { additionalProperties: false },
);

export const FeeWaiverConfig = Type.Object(
  {
    fees: Type.Array(
      Type.Object({
        label: Type.String({ minLength: 1, maxLength: 80 }),
        // ILIKE pattern over the transaction description
        pattern: Type.String({ minLength: 1, maxLength: 200 }),
      }),
      {
        maxItems: 20,
        default: [
          { label: 'lost SIM replacement', pattern: '%replacement sim%' },
          { label: 'late payment fee', pattern: '%late payment fee%' },
        ],
        description: "Fees whose first occurrence is waived, matched on the transaction's description",
      },
    ),
    lookbackDays: Days(90, 'Fees charged within this many days are considered'),
    offerDays: Days(30, 'How long the offer stands'),
  },
  { additionalProperties: false },
);

export const ServiceRecoveryConfig = Type.Object(
  {
    lookbackDays: Days(30, 'Breaches and responses within this many days are considered'),
    creditPerBreachMinor: Minor(500, 'Credit per SLA target breached on a case, times the priority factor'),
    priorityFactors: Type.Object(
      {
        low: Type.Number({ minimum: 0, maximum: 10 }),
        normal: Type.Number({ minimum: 0, maximum: 10 }),
        high: Type.Number({ minimum: 0, maximum: 10 }),
        urgent: Type.Number({ minimum: 0, maximum: 10 }),
      },
      { default: { low: 0.5, normal: 1, high: 1.5, urgent: 2 } },
    ),
    maxCreditMinor: Minor(2000, 'Cap on one recovery credit'),
    detractorCreditMinor: Minor(700, 'Credit for an NPS of 0; a score s earns (7 − s)/7 of it'),
    apologyFromNps: Type.Integer({
      minimum: 0,
      maximum: 6,
      default: 5,
      description: 'Detractors scoring this or more get an apology only',
    }),
    offerDays: Days(30, 'How long the offer stands'),
  },
  { additionalProperties: false },
);

export const ThankYouConfig = Type.Object(
  {
    anniversaryWindowDays: Days(30, 'An anniversary passed within this many days earns a thank-you'),
    anniversaryPoints: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 500, description: 'Bonus points per anniversary' }),
    pointValueMinor: Type.Number({ minimum: 0, maximum: 1000, default: 1, description: 'Money value of one point, for the ledger' }),
    loyalYears: Type.Integer({
      minimum: 1,
      maximum: 50,
      default: 3,
      description: 'Tenure after which a customer who never asked for anything is thanked',
    }),
    loyalCreditMinor: Minor(500, 'Credit thanking a loyal customer who never asked for anything (once a year)'),
    offerDays: Days(60, 'How long the offer stands'),
  },
  { additionalProperties: false },
);

export type BestTariffConfig = Static<typeof BestTariffConfig>;
export type FeeWaiverConfig = Static<typeof FeeWaiverConfig>;
export type ServiceRecoveryConfig = Static<typeof ServiceRecoveryConfig>;
export type ThankYouConfig = Static<typeof ThankYouConfig>;

export const RULE_CONFIGS = {
  best_tariff: BestTariffConfig,
  fee_waiver: FeeWaiverConfig,
  service_recovery: ServiceRecoveryConfig,
  thank_you: ThankYouConfig,
} as const;

export interface RuleConfigs {
  best_tariff: BestTariffConfig;
  fee_waiver: FeeWaiverConfig;
  service_recovery: ServiceRecoveryConfig;
  thank_you: ThankYouConfig;
}

const RULE_NAMES: Record<GivingRuleKind, string> = {
  best_tariff: 'Best tariff',
  fee_waiver: 'Fees to waive',
  service_recovery: 'Service recovery',
  thank_you: 'Thank-yous',
};

export const RULE_KINDS = Object.keys(RULE_NAMES) as GivingRuleKind[];

export interface GivingRule<K extends GivingRuleKind = GivingRuleKind> {
  id: string;
  kind: K;
  name: string;
  enabled: boolean;
  config: RuleConfigs[K];
  updatedAt: string;
}

/** A rule's config with defaults filled in; a wrong value names its path under /config. */
export function parseRuleConfig<K extends GivingRuleKind>(kind: K, raw: unknown): RuleConfigs[K] {
  const schema = RULE_CONFIGS[kind];
  const filled = Value.Default(schema, structuredClone(raw ?? {}));
  const error = Value.Errors(schema, filled)[0];
  if (error) throw invalid(`/config${error.instancePath}`, error.message);
  return filled as RuleConfigs[K];
}

/** Every kind of rule exists in every workspace; missing ones are created with their defaults. */
export async function ensureGivingRules(db: Kysely<DB>, workspaceId: string): Promise<void> {
  await db
    .insertInto('giving_rules')
    .values(RULE_KINDS.map((kind) => ({ workspace_id: workspaceId, id: newId('grl'), kind, name: RULE_NAMES[kind], config: '{}' })))
    .onConflict((oc) => oc.columns(['workspace_id', 'kind']).doNothing())
    .execute();
}

export async function listGivingRules(db: Kysely<DB>, workspaceId: string): Promise<GivingRule[]> {
  await ensureGivingRules(db, workspaceId);
  const rows = await db.selectFrom('giving_rules').selectAll().where('workspace_id', '=', workspaceId).orderBy('kind').execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    name: row.name,
    enabled: row.enabled,
    config: parseRuleConfig(row.kind, row.config),
    updatedAt: toIso(row.updated_at),
  }));
}

export async function findRule<K extends GivingRuleKind>(rules: GivingRule[], kind: K): Promise<GivingRule<K> | undefined> {
  return rules.find((r): r is GivingRule<K> => r.kind === kind && r.enabled);
}

/** Changes a rule's name, whether it runs, or its thresholds (merged over what is there). */
export async function updateGivingRule(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  input: { name?: string; enabled?: boolean; config?: JsonObject },
): Promise<GivingRule> {
  const row = await db
    .selectFrom('giving_rules')
    .selectAll()
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Giving rule', id);
  const config = input.config ? parseRuleConfig(row.kind, { ...row.config, ...input.config }) : parseRuleConfig(row.kind, row.config);
  const updated = await db
    .updateTable('giving_rules')
    .set({
      name: input.name ?? row.name,
      enabled: input.enabled ?? row.enabled,
      config: JSON.stringify(config),
      updated_at: sql<Date>`now()`,
    })
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: 'giving.rule_changed',
    entityType: 'giving_rule',
    entityId: id,
    changes: { ...input } as JsonObject,
  });
  return { id, kind: updated.kind, name: updated.name, enabled: updated.enabled, config, updatedAt: toIso(updated.updated_at) };
}
