import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';
import { insertMessageCustomer } from '../test/messages.js';

// Fixtures the loyalty and giving tests share, written straight into the tables: a SIM-only
// catalogue with plans too big, too small and retired, customers who can be written to,
// usage, survey answers and breached cases.

export const NOW = new Date('2026-11-15T12:00:00Z');
/** The three full months before NOW, newest first. */
export const MONTHS = ['2026-10-01', '2026-09-01', '2026-08-01'];

const GB = 1024;

export async function insertSimCatalog(db: Kysely<DB>, workspaceId: string) {
  const line = { workspace_id: workspaceId, id: newId('pl'), code: 'mobile', name: 'Mobile' };
  await db.insertInto('product_lines').values(line).execute();
  const product = {
    workspace_id: workspaceId,
    id: newId('prd'),
    product_line_id: line.id,
    code: 'sim',
    name: 'SIM only',
    kind: 'subscription' as const,
  };
  await db.insertInto('products').values(product).execute();
  const plan = (code: string, price: number, dataGb: number | null, minutes: number | null, onSale = true) => ({
    workspace_id: workspaceId,
    id: newId('pln'),
    product_id: product.id,
    code,
    name: code.toUpperCase(),
    price_minor: price,
    currency: 'GBP',
    billing_period: 'month' as const,
    data_mb: dataGb === null ? null : dataGb * GB,
    minutes,
    texts: minutes,
    overage_per_gb_minor: dataGb === null ? 0 : 300,
    overage_per_minute_minor: minutes === null ? 0 : 15,
    overage_per_text_minor: minutes === null ? 0 : 10,
    on_sale: onSale,
  });
  const plans = {
    s2: plan('s2', 800, 2, 250),
    s10: plan('s10', 1200, 10, null),
    s30: plan('s30', 1600, 30, null),
    unlimited: plan('unlimited', 2500, null, null),
    legacy10: plan('legacy10', 1800, 10, null, false),
  };
  await db.insertInto('plans').values(Object.values(plans)).execute();
  return { line, product, plans };
}

export type SimCatalog = Awaited<ReturnType<typeof insertSimCatalog>>;

/** A customer who can receive email (consent to gifts is not opt-in) and holds a plan with usage. */
export async function insertSubscriber(
  db: Kysely<DB>,
  workspaceId: string,
  catalog: SimCatalog,
  spec: { name: string; plan: keyof SimCatalog['plans']; paid?: number; dataMb?: number[]; startedAt?: string },
) {
  const customerId = await insertMessageCustomer(db, workspaceId, {
    displayName: spec.name,
    email: `${spec.name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
  });
  const plan = catalog.plans[spec.plan];
  const holdingId = newId('hld');
  await db
    .insertInto('holdings')
    .values({
      workspace_id: workspaceId,
      id: holdingId,
      customer_id: customerId,
      product_id: catalog.product.id,
      plan_id: plan.id,
      status: 'active',
      started_at: spec.startedAt ?? '2024-03-01T00:00:00Z',
      price_minor: spec.paid ?? plan.price_minor,
      currency: 'GBP',
    })
    .execute();
  if (spec.dataMb) {
    await db
      .insertInto('usage_records')
      .values(
        spec.dataMb.map((dataMb, k) => {
          const start = MONTHS[k] ?? '2026-07-01';
          const [y, m] = start.split('-').map(Number) as [number, number];
          return {
            workspace_id: workspaceId,
            holding_id: holdingId,
            period_start: start,
            period_end: new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10),
            data_mb: dataMb,
            minutes: 100,
            texts: 10,
          };
        }),
      )
      .execute();
  }
  return { customerId, holdingId };
}

export async function insertSurvey(db: Kysely<DB>, workspaceId: string): Promise<string> {
  const id = newId('srv');
  await db
    .insertInto('surveys')
    .values({ workspace_id: workspaceId, id, name: `Survey ${id}`, kind: 'relationship', status: 'active' })
    .execute();
  return id;
}

/** A survey answer, as the feedback capability records it. */
export async function insertResponse(
  db: Kysely<DB>,
  workspaceId: string,
  values: { surveyId: string; customerId: string; nps: number; answeredAt: Date; caseId?: string; comment?: string },
): Promise<string> {
  const id = newId('rsp');
  await db
    .insertInto('survey_responses')
    .values({
      workspace_id: workspaceId,
      id,
      survey_id: values.surveyId,
      survey_kind: 'relationship',
      customer_id: values.customerId,
      language: 'en',
      case_id: values.caseId ?? null,
      nps: values.nps,
      comment: values.comment ?? null,
      status: 'complete',
      started_at: values.answeredAt,
      answered_at: values.answeredAt,
    })
    .execute();
  return id;
}

/** A case whose SLA targets were breached, with one 'breached' event per target. */
export async function insertBreachedCase(
  db: Kysely<DB>,
  workspaceId: string,
  values: { customerId: string; priority: 'low' | 'normal' | 'high' | 'urgent'; targets: string[]; at: Date },
): Promise<string> {
  const id = newId('cas');
  await db
    .insertInto('cases')
    .values({
      workspace_id: workspaceId,
      id,
      customer_id: values.customerId,
      subject: 'No signal at home',
      state: 'open',
      priority: values.priority,
      channel: 'phone',
      opened_at: values.at,
    })
    .execute();
  for (const target of values.targets) {
    await db
      .insertInto('case_events')
      .values({
        workspace_id: workspaceId,
        id: newId('cev'),
        case_id: id,
        kind: 'breached',
        actor_kind: 'system',
        data: JSON.stringify({ target }),
        occurred_at: values.at,
      })
      .execute();
  }
  return id;
}
