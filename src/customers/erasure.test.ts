import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { createSurvey, invite, pathOf, postPage } from '../feedback/feedback.test-helpers.js';
import { offerGifts } from '../giving/gifts.js';
import { ensureGivingRules, listGivingRules } from '../giving/rules.js';
import { ensureGiftTemplates } from '../giving/templates.js';
import { drainIngestQueue } from '../ingest/processor.js';
import { basicAuth, useAppWithoutProcessor } from '../ingest/ingest.test-helpers.js';
import { addPerson, type Person } from '../service/service.test-helpers.js';
import { insertCatalog } from '../test/fixtures.js';

const ctx = useTestApp();
// Ingested events are applied by hand, so one can be left pending on purpose.
const ingest = useAppWithoutProcessor(ctx);
const db = () => ctx.database.db;

/**
 * Personal data planted in every free-text field the API takes, one made-up word each, so a
 * leftover names the field it came from. Compared in lower case: emails are stored lower-cased
 * and survey themes are lower-cased lemmas of the comment.
 */
const PLANTED = {
  name: 'Quorvax',
  trait: 'Tremblefoot',
  email: 'zenquist',
  phone: '7702765548',
  externalId: 'Vellox77',
  mergedName: 'Brindlecombe',
  mergedTrait: 'Snorkelwhip',
  mergedEmail: 'brindlemail',
  mergeReason: 'Plovdane',
  consentSource: 'Frostwick',
  consentEvidence: 'Glimmerstone',
  household: 'Hexwoodfamily',
  lineNumber: 'Jumbleweed',
  transaction: 'Wobblesnatch',
  interactionOutcome: 'Pindleberry',
  interactionNote: 'Gristlethorn',
  caseSubject: 'Crumblewick',
  complaintCategory: 'Faffleton',
  caseNote: 'Nimbletoe',
  goodwillReason: 'Wimbleshanks',
  goodwillDecision: 'Drizzlefen',
  giftEvidence: 'Sprockwhistle',
  giftNote: 'Spindlewhit',
  surveyComment: 'Zebulonwick',
  followUpOutcome: 'Hobblecrest',
  messageData: 'Snickersnee',
  reply: 'Grumbleweed',
  loyaltyReason: 'Mumblecrust',
  userId: 'Tanglefoot',
  anonymousId: 'Dinglehopper',
  ingestTrait: 'Fizzlewick',
  ingestContext: 'Wobblegong',
  eventName: 'Quillbright',
  eventProperty: 'Sprocketbee',
  groupId: 'Bramblewick',
  pendingEvent: 'Kettlewhistle',
  pendingIdentify: 'Wafflebrook',
  failedEvent: 'Tumbleberry',
  exportReason: 'Pobblewood',
} as const;
const MARKERS = Object.entries(PLANTED).map(([field, word]) => ({ field, word: word.toLowerCase() }));

const EMAIL = `archie.${PLANTED.email}@example.com`;

async function api(tenant: TestTenant, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, as?: Person) {
  const response = await tenant.api({
    method,
    url: `/api/v1${url}`,
    ...(payload ? { payload } : {}),
    ...(as ? { headers: { authorization: '', cookie: as.cookie } } : {}),
  });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response.json();
}

/** Every row of every table as text: what a search of the database for leftover personal data reads. */
async function selectEveryRow(): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db());
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(table_name)} t`.execute(db());
    parts.push(...rows.rows.map((r) => r.row));
  }
  return parts.join('\n').toLowerCase();
}

/** On PostgreSQL, also what pg_dump writes of the test schema's data. */
async function pgDump(): Promise<string | null> {
  const url = process.env.RAPPORT_TEST_DATABASE_URL;
  if (!url) return null;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db());
  try {
    const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', `--schema=${rows[0]?.schema}`, url], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout.toLowerCase();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
}

const leftovers = (dump: string) => MARKERS.filter((m) => dump.includes(m.word)).map((m) => m.field);

interface Planted {
  tenant: TestTenant;
  customer: string;
  bystander: string;
  surveyToken: string;
}

/** One customer with personal data in every field, a profile merged into them, and a household they share. */
async function plantEverything(): Promise<Planted> {
  const app = ingest.app;
  const tenant = await createTenant(app);
  const ws = tenant.workspace.id;
  const lead = await addPerson(app, tenant, 'lead');
  const agent = await addPerson(app, tenant, 'agent');

  const customer = (
    await api(tenant, 'POST', '/customers', {
      displayName: `Archie ${PLANTED.name}`,
      traits: { favouriteEngineer: PLANTED.trait, segment: 'consumer' },
      identities: [
        { kind: 'email', value: EMAIL },
        { kind: 'phone', value: `+44${PLANTED.phone}` },
        { kind: 'external', system: 'crm', value: `CRM-${PLANTED.externalId}` },
      ],
    })
  ).id as string;
  const other = (
    await api(tenant, 'POST', '/customers', {
      displayName: `Archie ${PLANTED.mergedName}`,
      traits: { pet: PLANTED.mergedTrait },
      identities: [{ kind: 'email', value: `${PLANTED.mergedEmail}@example.com` }],
    })
  ).id as string;
  await api(tenant, 'POST', `/customers/${customer}/merge`, { otherId: other, reason: `Same person, said ${PLANTED.mergeReason}` });
  for (const purpose of ['surveys', 'service', 'marketing']) {
    await api(tenant, 'POST', `/customers/${customer}/consent`, {
      purpose,
      channel: 'email',
      status: 'granted',
      source: `call-${PLANTED.consentSource}`,
      evidence: { agentHeard: PLANTED.consentEvidence },
    });
  }
  const bystander = (
    await api(tenant, 'POST', '/customers', { displayName: 'Stays Here', identities: [{ kind: 'email', value: 'stays@example.com' }] })
  ).id as string;
  await api(tenant, 'POST', '/households', {
    name: `The ${PLANTED.household}`,
    kind: 'household',
    members: [{ customerId: customer, role: 'owner' }],
  });
  await api(tenant, 'POST', '/households', {
    name: 'Shared flat',
    kind: 'household',
    members: [
      { customerId: customer, role: 'owner' },
      { customerId: bystander, role: 'member' },
    ],
  });

  const catalog = await insertCatalog(db(), ws);
  const holding = (
    await api(tenant, 'POST', '/holdings', {
      customerId: customer,
      productId: catalog.sim.id,
      planId: catalog.sim10.id,
      startedAt: '2026-01-01T00:00:00Z',
      externalRef: `LINE-${PLANTED.lineNumber}`,
    })
  ).id as string;
  await api(tenant, 'POST', '/transactions', {
    customerId: customer,
    holdingId: holding,
    kind: 'purchase',
    amount: { amountMinor: 25000, currency: 'GBP' },
    description: `Handset for ${PLANTED.transaction}`,
    occurredAt: '2026-06-01T10:00:00Z',
  });

  // Service: an interaction, a complaint case worked with notes, goodwill above budget.
  await api(tenant, 'POST', '/interactions', {
    customerId: customer,
    channel: 'phone',
    direction: 'inbound',
    startedAt: '2026-11-02T09:00:00Z',
    outcome: `Outcome ${PLANTED.interactionOutcome}`,
    note: `Called Archie on 07702 765548, engineer booked at 14 Lisburn Road ${PLANTED.interactionNote}`,
  });
  const kase = (
    await api(tenant, 'POST', '/cases', {
      customerId: customer,
      subject: `Broadband dead ${PLANTED.caseSubject}`,
      channel: 'phone',
      complaint: true,
      complaintCategory: `Category ${PLANTED.complaintCategory}`,
      openedAt: '2026-11-02T09:00:00Z',
    })
  ).id as string;
  await api(tenant, 'POST', `/cases/${kase}/respond`, {
    note: `Told Archie the engineer ${PLANTED.caseNote} comes Tuesday`,
    at: '2026-11-02T10:00:00Z',
  });
  await api(tenant, 'POST', `/cases/${kase}/complaint`, { complaint: true, category: `Category ${PLANTED.complaintCategory} again` });
  await api(tenant, 'PUT', '/goodwill/budgets', { role: 'agent', monthlyLimit: { amountMinor: 100, currency: 'GBP' } });
  const gesture = await api(
    tenant,
    'POST',
    '/goodwill/gestures',
    {
      customerId: customer,
      caseId: kase,
      kind: 'credit',
      value: { amountMinor: 500, currency: 'GBP' },
      reason: `Outage ${PLANTED.goodwillReason}`,
    },
    agent,
  );
  await api(
    tenant,
    'POST',
    `/goodwill/gestures/${gesture.id}/decision`,
    { approve: true, note: `Fair, ${PLANTED.goodwillDecision}` },
    lead,
  );

  // Giving: a gift whose evidence quotes the case, accepted with a note.
  await ensureGivingRules(db(), ws);
  await ensureGiftTemplates(db(), ws);
  const rule = (await listGivingRules(db(), ws)).find((r) => r.kind === 'service_recovery');
  if (!rule) throw new Error('no service recovery rule');
  const [gift] = await offerGifts(
    db(),
    ws,
    { id: rule.id, kind: rule.kind, offerDays: 14 },
    [
      {
        customerId: customer,
        holdingId: null,
        subjectKey: `case:${kase}`,
        period: '',
        title: 'Service recovery: 1 SLA target missed',
        evidence: { caseId: kase, subject: `Broadband dead ${PLANTED.giftEvidence}` },
        action: { type: 'credit', amountMinor: 300, currency: 'GBP', description: `Waived: ${PLANTED.giftEvidence}` },
        valueMinor: 300,
        currency: 'GBP',
      },
    ],
    { now: new Date(), runId: null },
  );
  await api(tenant, 'POST', `/gifts/${gift?.id}/accept`, { note: `Archie said yes, ${PLANTED.giftNote}` });

  // Feedback: a detractor with a comment, and the follow-up closed with an outcome.
  const survey = await createSurvey(tenant);
  const invitation = await invite(tenant, survey.id, { customerId: customer });
  const path = pathOf(invitation.link);
  expect(
    (
      await postPage(app, path, [
        ['page', '1'],
        ['q_nps', '2'],
      ])
    ).statusCode,
  ).toBe(303);
  expect(
    (
      await postPage(app, path, [
        ['page', '2'],
        ['q_why', `The engineer ${PLANTED.surveyComment} never came and the billing errors keep happening`],
      ])
    ).statusCode,
  ).toBe(303);
  const followUps = (await api(tenant, 'GET', '/follow-ups')).data as Array<{ caseId: string; customerId: string }>;
  const followUp = followUps.find((f) => f.customerId === customer);
  expect(followUp, 'a detractor gets a follow-up').toBeDefined();
  await api(tenant, 'POST', `/follow-ups/${followUp?.caseId}/resolve`, {
    outcome: `Rang back, ${PLANTED.followUpOutcome}`,
    resurvey: false,
  });

  // Messages: one with personal data in its variables, and a reply to it.
  await api(tenant, 'POST', '/message-templates', {
    key: 'note',
    purpose: 'marketing',
    language: 'en',
    subject: 'For {{ customer.first_name }}',
    body: 'Hi {{ customer.first_name }}, {{ data.offer }}',
  });
  const message = await api(tenant, 'POST', '/messages', {
    customerId: customer,
    purpose: 'marketing',
    templateKey: 'note',
    data: { offer: `Offer for ${PLANTED.messageData}` },
  });
  const unsubscribe = await db()
    .selectFrom('messages')
    .select('unsubscribe_token')
    .where('workspace_id', '=', ws)
    .where('id', '=', message.id)
    .executeTakeFirstOrThrow();
  expect(unsubscribe.unsubscribe_token).toBeTruthy();
  const reply = await app.inject({
    method: 'POST',
    url: '/api/v1/messages/inbound',
    headers: { authorization: `Bearer ${tenant.writeKey}` },
    // A customer quoting what they were sent copies credentials into stored text.
    payload: {
      messageId: message.id,
      event: 'reply',
      text: `Reply from ${PLANTED.reply}. Answered ${invitation.link} and tried /u/${ws}.${unsubscribe.unsubscribe_token}`,
    },
  });
  expect(reply.statusCode, reply.body).toBe(200);
  await api(tenant, 'POST', '/loyalty/adjustments', {
    customerId: customer,
    points: 50,
    reason: `Points for ${PLANTED.loyaltyReason}`,
    idempotencyKey: 'adj-1',
  });

  // Ingestion: identify, track, page and group calls applied, one left pending, one failed.
  const send = async (batch: unknown[]) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(tenant.writeKey) },
      payload: { batch },
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  const userId = `u-${PLANTED.userId}`;
  await send([
    {
      type: 'identify',
      userId,
      anonymousId: `a-${PLANTED.anonymousId}`,
      messageId: 'm-identify',
      traits: { email: EMAIL, nickname: PLANTED.ingestTrait },
    },
    {
      type: 'track',
      userId,
      messageId: 'm-track',
      event: `Viewed ${PLANTED.eventName}`,
      properties: { plan: PLANTED.eventProperty },
      context: { note: PLANTED.ingestContext },
    },
    { type: 'group', userId, messageId: 'm-group', groupId: `g-${PLANTED.groupId}`, traits: { name: 'Family account' } },
    {
      type: 'track',
      userId,
      messageId: 'm-failed',
      event: 'Interaction Completed',
      properties: { channel: 'carrier pigeon', note: PLANTED.failedEvent },
    },
  ]);
  await drainIngestQueue(db());
  // Not yet applied: a track by their user id, and an identify that names them only by email.
  await send([
    { type: 'track', userId, messageId: 'm-pending', event: 'Plan Viewed', properties: { plan: PLANTED.pendingEvent } },
    {
      type: 'identify',
      userId: 'u-new-device',
      messageId: 'm-pending-identify',
      traits: { email: EMAIL.toUpperCase(), pet: PLANTED.pendingIdentify },
    },
  ]);
  const statuses = await db()
    .selectFrom('ingest_events')
    .select(['message_id', 'status'])
    .where('workspace_id', '=', ws)
    .where('message_id', 'in', ['m-failed', 'm-pending', 'm-pending-identify'])
    .orderBy('message_id')
    .execute();
  expect(statuses).toEqual([
    { message_id: 'm-failed', status: 'failed' },
    { message_id: 'm-pending', status: 'pending' },
    { message_id: 'm-pending-identify', status: 'pending' },
  ]);
  return { tenant, customer, bystander, surveyToken: path.split('/').pop() ?? '' };
}

/** What aggregates read: rollups and the amounts and counts kept per customer. */
async function aggregates(workspaceId: string) {
  const rows = async (table: 'service_rollups' | 'service_rollup_buckets' | 'feedback_rollups') =>
    (
      await sql<{ row: string }>`select t::text as row from ${sql.table(table)} t where workspace_id = ${workspaceId} order by 1`.execute(
        db(),
      )
    ).rows;
  const counts = await sql<Record<string, string>>`select
      (select count(*) from cases where workspace_id = ${workspaceId}) as cases,
      (select count(*) from case_events where workspace_id = ${workspaceId}) as case_events,
      (select count(*) from interactions where workspace_id = ${workspaceId}) as interactions,
      (select count(*) from survey_responses where workspace_id = ${workspaceId}) as responses,
      (select count(*) from messages where workspace_id = ${workspaceId}) as messages,
      (select count(*) from gift_events where workspace_id = ${workspaceId}) as gift_events,
      (select count(*) from ingest_events where workspace_id = ${workspaceId}) as ingest_events,
      (select sum(amount_minor) from transactions where workspace_id = ${workspaceId}) as amounts,
      (select sum(points) from loyalty_entries where workspace_id = ${workspaceId}) as points,
      (select sum(amount_minor) from goodwill_gestures where workspace_id = ${workspaceId}) as goodwill,
      (select sum(value_minor) from gifts where workspace_id = ${workspaceId}) as gifts`.execute(db());
  return {
    service: await rows('service_rollups'),
    buckets: await rows('service_rollup_buckets'),
    feedback: await rows('feedback_rollups'),
    counts: counts.rows[0],
  };
}

describe('a data-subject request for a customer with personal data everywhere', () => {
  let planted: Planted;
  beforeAll(async () => {
    planted = await plantEverything();
  });

  it('exports every planted field, the household, case and gift history and raw events, and no credential', async () => {
    const { tenant, customer } = planted;
    const before = await selectEveryRow();
    expect(
      MARKERS.filter((m) => m.field !== 'exportReason' && !before.includes(m.word)).map((m) => m.field),
      'planted but not stored',
    ).toEqual([]);
    const exported = await api(tenant, 'POST', `/customers/${customer}/export`, { reason: `Asked by letter, ${PLANTED.exportReason}` });
    const text = JSON.stringify(exported).toLowerCase();
    expect(
      MARKERS.filter((m) => m.field !== 'exportReason' && !text.includes(m.word)).map((m) => m.field),
      'missing from the export',
    ).toEqual([]);
    const data = exported.data as Record<string, Array<Record<string, unknown>>>;
    expect(data.case_events?.length).toBeGreaterThanOrEqual(3);
    expect(data.gift_events?.map((e) => e.kind)).toEqual(expect.arrayContaining(['offered', 'accepted']));
    expect(data.households?.map((h) => h.name)).toEqual(expect.arrayContaining([`The ${PLANTED.household}`, 'Shared flat']));
    expect(data.ingest_events?.map((e) => `${e.message_id}:${e.status}`)).toEqual(
      expect.arrayContaining([
        'm-identify:done',
        'm-track:done',
        'm-group:done',
        'm-failed:failed',
        'm-pending:pending',
        'm-pending-identify:pending',
      ]),
    );
    expect(data.ingest_groups?.map((g) => g.group_id)).toEqual([`g-${PLANTED.groupId}`]);

    // Credentials: the unsubscribe token, the invitation nonce and the survey link made from it.
    const ws = tenant.workspace.id;
    const tokens = await db()
      .selectFrom('messages')
      .select('unsubscribe_token')
      .where('workspace_id', '=', ws)
      .where('unsubscribe_token', 'is not', null)
      .execute();
    const nonces = await db().selectFrom('survey_invitations').select('nonce').where('workspace_id', '=', ws).execute();
    const secrets = [...tokens.map((t) => t.unsubscribe_token ?? ''), ...nonces.map((n) => n.nonce), planted.surveyToken];
    expect(tokens.length).toBeGreaterThan(0);
    expect(nonces.length).toBeGreaterThan(0);
    expect(before, 'the survey link is stored where the customer quoted it').toContain(planted.surveyToken.toLowerCase());
    const raw = JSON.stringify(exported);
    expect(secrets.filter((secret) => raw.includes(secret))).toEqual([]);
    expect(raw).not.toMatch(/"(unsubscribe_token|nonce|key_hash|token_hash|password_hash)"/);
  });

  it('erases every planted field from every table, for the merged profile and pending events too, and keeps aggregates', async () => {
    const { tenant, customer, bystander } = planted;
    const ws = tenant.workspace.id;
    const kept = await aggregates(ws);
    const admin = await tenant.signInAs('admin');
    const erased = await ingest.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${customer}/erase`,
      headers: { cookie: admin.cookie },
      payload: { reason: 'Art. 17 request' },
    });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json()).toMatchObject({ profilesErased: 2 });

    const rows = await selectEveryRow();
    expect(rows, 'the search reads every row').toContain('stays@example.com');
    expect(leftovers(rows), 'left in the database').toEqual([]);
    const dump = await pgDump();
    if (dump !== null) {
      expect(dump, 'pg_dump wrote the data').toContain('stays@example.com');
      expect(leftovers(dump), 'left in pg_dump --data-only').toEqual([]);
    }

    expect(await aggregates(ws)).toEqual(kept);
    // The pending event never brings the person back.
    await drainIngestQueue(db());
    expect(leftovers(await selectEveryRow()), 'brought back by the processor').toEqual([]);
    const pending = await db()
      .selectFrom('ingest_events')
      .select(['status', 'error'])
      .where('workspace_id', '=', ws)
      .where('message_id', '=', 'm-pending')
      .executeTakeFirstOrThrow();
    expect(pending).toEqual({ status: 'failed', error: 'erased before it was applied' });
    expect((await api(tenant, 'GET', `/customers?q=${encodeURIComponent(EMAIL)}`)).data, 'a profile with their email').toEqual([]);
    // The shared household keeps its name and its other member.
    const view = await api(tenant, 'GET', `/customers/${bystander}`);
    expect(view.households).toEqual([expect.objectContaining({ name: 'Shared flat' })]);
  });
});
