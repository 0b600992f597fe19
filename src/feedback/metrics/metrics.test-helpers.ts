import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { SurveyKind } from '../tables.js';
import { newId } from '../../ids.js';

// Responses written straight into survey_responses, for tests and the e2e page whose
// subject is reading them back: recording responses is the feedback capability's API.

export interface FeedbackWorld {
  workspaceId: string;
  surveys: Record<SurveyKind, string>;
  agents: { ann: string; bo: string };
  teams: { care: string; billing: string };
  jobs: { sim: string; bill: string };
  lines: { mobile: string; broadband: string };
  customers: string[];
}

/** Two surveys, two agents in two teams, two jobs, two product lines and six customers. */
export async function insertFeedbackWorld(db: Kysely<DB>, workspaceId: string): Promise<FeedbackWorld> {
  const tag = newId('usr').slice(-8);
  const agent = async (name: string) => {
    const id = newId('usr');
    await db
      .insertInto('users')
      .values({ id, email: `${name.toLowerCase()}-${tag}@example.com`, name, password_hash: 'x' })
      .execute();
    await db.insertInto('memberships').values({ workspace_id: workspaceId, user_id: id, role: 'agent' }).execute();
    return id;
  };
  const agents = { ann: await agent('Ann Agent'), bo: await agent('Bo Agent') };
  const teams = { care: newId('tm'), billing: newId('tm') };
  await db
    .insertInto('service_teams')
    .values([
      { workspace_id: workspaceId, id: teams.care, name: 'Care' },
      { workspace_id: workspaceId, id: teams.billing, name: 'Billing' },
    ])
    .execute();
  const jobs = { sim: newId('job'), bill: newId('job') };
  await db
    .insertInto('service_jobs')
    .values([
      { workspace_id: workspaceId, id: jobs.sim, code: 'replace-sim', name: 'Replace SIM' },
      { workspace_id: workspaceId, id: jobs.bill, code: 'billing-dispute', name: 'Billing dispute' },
    ])
    .execute();
  const lines = { mobile: newId('pl'), broadband: newId('pl') };
  await db
    .insertInto('product_lines')
    .values([
      { workspace_id: workspaceId, id: lines.mobile, code: 'mobile', name: 'Mobile' },
      { workspace_id: workspaceId, id: lines.broadband, code: 'broadband', name: 'Broadband' },
    ])
    .execute();
  const surveys = { interaction: newId('srv'), relationship: newId('srv') };
  await db
    .insertInto('surveys')
    .values([
      { workspace_id: workspaceId, id: surveys.interaction, name: 'After contact', kind: 'interaction', status: 'active' },
      { workspace_id: workspaceId, id: surveys.relationship, name: 'Quarterly', kind: 'relationship', status: 'active' },
    ])
    .execute();
  const customers = Array.from({ length: 6 }, () => newId('cus'));
  await db
    .insertInto('customers')
    .values(customers.map((id, i) => ({ workspace_id: workspaceId, id, display_name: `Customer ${i + 1}` })))
    .execute();
  return { workspaceId, surveys, agents, teams, jobs, lines, customers };
}

export interface ResponseFixture {
  kind?: SurveyKind;
  customer?: number;
  channel?: string | null;
  agent?: string | null;
  team?: string | null;
  job?: string | null;
  productLine?: string | null;
  segment?: string | null;
  nps?: number | null;
  csat?: number | null;
  ces?: number | null;
  feelings?: string[];
  /** Shown the feelings question (choosing none counts); true whenever feelings are given. */
  feelingsAsked?: boolean;
  /** Answers by question id. */
  answers?: Record<string, unknown>;
  comment?: string | null;
  sentiment?: number | null;
  themes?: string[];
  status?: 'partial' | 'complete';
  answeredAt: string;
}

const label = (score: number | null | undefined) =>
  score === null || score === undefined ? null : score < -0.05 ? 'negative' : score > 0.05 ? 'positive' : 'neutral';

/** Inserts one response; returns its id. */
export async function insertResponse(db: Kysely<DB>, world: FeedbackWorld, r: ResponseFixture): Promise<string> {
  const id = newId('rsp');
  const kind = r.kind ?? 'interaction';
  await db
    .insertInto('survey_responses')
    .values({
      workspace_id: world.workspaceId,
      id,
      survey_id: world.surveys[kind],
      survey_kind: kind,
      customer_id: world.customers[r.customer ?? 0] ?? world.customers[0]!,
      language: 'en',
      channel: r.channel ?? null,
      agent_user_id: r.agent ?? null,
      team_id: r.team ?? null,
      job_id: r.job ?? null,
      product_line_id: r.productLine ?? null,
      segment: r.segment ?? null,
      nps: r.nps ?? null,
      csat: r.csat ?? null,
      ces: r.ces ?? null,
      feelings: r.feelings ?? [],
      feelings_asked: r.feelingsAsked ?? (r.feelings ?? []).length > 0,
      comment: r.comment ?? null,
      sentiment_score: r.sentiment ?? null,
      sentiment_label: label(r.sentiment),
      themes: r.themes ?? [],
      answers: JSON.stringify(r.answers ?? {}),
      status: r.status ?? 'complete',
      started_at: r.answeredAt,
      answered_at: r.answeredAt,
    })
    .execute();
  return id;
}
