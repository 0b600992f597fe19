import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { addPerson, call, type Person } from '../service/service.test-helpers.js';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { createSurvey, pathOf } from './feedback.test-helpers.js';

// Issue 14, finding 9: an agent created a customer, recorded an interaction credited to
// themselves, invited the customer and answered 10/5/7, and their scorecard rose. Here the
// same story is played through the API: the link is never handed to staff, a staff browser
// cannot answer, and an answer that does get in is not credited to that agent.

const ctx = useTestApp();

const SCORES_SURVEY = {
  name: 'After your call',
  kind: 'interaction',
  definition: {
    defaultLanguage: 'en',
    questions: [
      { id: 'nps', type: 'nps', required: true, text: { en: 'How likely are you to recommend us?' } },
      { id: 'csat', type: 'csat', text: { en: 'How satisfied were you?' } },
      { id: 'ces', type: 'ces', text: { en: 'It was easy to get my issue handled.' } },
    ],
  },
};

const TODAY = new Date().toISOString().slice(0, 10);
const SURVEY_CONSENT = [{ purpose: 'surveys', channel: 'email', status: 'granted', source: 'call' }];

function as(tenant: TestTenant, person: Person | null, method: 'GET' | 'POST', url: string, payload?: object) {
  return ctx.app.inject({
    method,
    url: `/api/v1${url}`,
    ...(payload === undefined ? {} : { payload }),
    // A signed-in person calls as the browser app does: with its X-Requested-With header (src/http/csrf.ts).
    headers: person ? { cookie: person.cookie, 'x-requested-with': 'rapport' } : { authorization: `Bearer ${tenant.secretKey}` },
  });
}

async function scorecards(tenant: TestTenant) {
  return call<{ data: Array<{ agentId: string; responses: number }> }>(
    tenant,
    `/feedback/scorecards?from=${TODAY}&to=${TODAY}`,
    undefined,
    200,
  );
}

/** The link as the customer receives it: from the message the outbox hands to the channel. */
async function linkInOutbox(messageId: string): Promise<string> {
  const row = await ctx.app.database.db.selectFrom('messages').select('body').where('id', '=', messageId).executeTakeFirstOrThrow();
  const link = /https?:\/\/\S+\/s\/\S+/.exec(row.body ?? '')?.[0];
  if (!link) throw new Error(`no survey link in ${row.body}`);
  return link;
}

function answer(path: string, cookie?: string): Promise<LightMyRequestResponse> {
  return ctx.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    payload: new URLSearchParams([
      ['page', '1'],
      ['q_nps', '10'],
      ['q_csat', '5'],
      ['q_ces', '7'],
    ]).toString(),
  });
}

/** A customer, an interaction with `agent`, and an invitation about it, each made by `by` (null: the secret key). */
async function servedCustomer(tenant: TestTenant, by: Person | null, agent: Person, surveyId: string, email: string) {
  const created = await as(tenant, by, 'POST', '/customers', {
    displayName: 'Sam Alias',
    identities: [{ kind: 'email', value: email }],
    consent: SURVEY_CONSENT,
  });
  expect(created.statusCode, created.body).toBe(201);
  const customerId: string = created.json().id;
  const interaction = await as(tenant, by, 'POST', '/interactions', {
    customerId,
    channel: 'phone',
    direction: 'inbound',
    agentId: agent.userId,
    startedAt: new Date(Date.now() - 600_000).toISOString(),
  });
  expect(interaction.statusCode, interaction.body).toBe(201);
  const invited = await as(tenant, by, 'POST', `/surveys/${surveyId}/invitations`, { customerId, interactionId: interaction.json().id });
  expect(invited.statusCode, invited.body).toBe(201);
  return { customerId, interactionId: interaction.json().id as string, invitation: invited.json() };
}

describe('survey answers come from customers', () => {
  it('keeps an agent from scoring themselves: no link from any staff API, no answer from a staff browser, no credit for an address they supplied', async () => {
    const tenant = await createTenant(ctx.app, 'Northwind Telecom');
    const agent = await addPerson(ctx.app, tenant, 'agent');
    const lead = await addPerson(ctx.app, tenant, 'lead');
    const survey = await createSurvey(tenant, SCORES_SURVEY);
    const before = await scorecards(tenant);

    // The agent creates a customer with an address of their own, serves them and invites them.
    const { customerId, invitation } = await servedCustomer(tenant, agent, agent, survey.id, 'sam.alias@example.net');
    expect(invitation.status).toBe('sent');
    expect(invitation).not.toHaveProperty('link');
    const link = await linkInOutbox(invitation.messageId);
    const token = pathOf(link).slice('/s/'.length);
    const signature = token.split('.').pop() as string;

    // The customer replies to the email, quoting it, link and all.
    const reply = await as(tenant, null, 'POST', '/messages/inbound', {
      messageId: invitation.messageId,
      event: 'reply',
      text: `Why do you ask?\n\n> Would you tell us how it went? It takes a minute: ${link}`,
    });
    expect(reply.statusCode, reply.body).toBe(200);

    // Every staff view of the message, the customer and the invitation, for every role that
    // can read it, is free of the link.
    const views: Array<[Person | null, string, 'GET' | 'POST']> = [
      [agent, '/messages', 'GET'],
      [agent, `/messages?customerId=${customerId}`, 'GET'],
      [agent, `/messages/${invitation.messageId}`, 'GET'],
      [agent, `/customers/${customerId}`, 'GET'],
      [agent, `/customers/${customerId}/timeline`, 'GET'],
      [agent, `/survey-responses?customerId=${customerId}`, 'GET'],
      [agent, `/interactions?customerId=${customerId}`, 'GET'],
      [lead, `/messages/${invitation.messageId}`, 'GET'],
      [lead, `/customers/${customerId}/export`, 'POST'],
      [null, `/messages/${invitation.messageId}`, 'GET'],
    ];
    for (const [person, url, method] of views) {
      const response = await as(tenant, person, method, url, method === 'POST' ? {} : undefined);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(200);
      expect(response.body, `${method} ${url}`).not.toContain(signature);
    }
    const shown = (await as(tenant, agent, 'GET', `/messages/${invitation.messageId}`)).json();
    expect(shown.body).toContain('[link withheld]');
    expect(shown.subject).toBe('How did we do?');
    expect(shown.events).toEqual([
      expect.objectContaining({
        kind: 'reply',
        detail: expect.objectContaining({ text: expect.stringContaining('minute: [link withheld]') }),
      }),
    ]);
    const exported = (await as(tenant, lead, 'POST', `/customers/${customerId}/export`, {})).json();
    expect(exported.data.messages).toEqual([
      expect.objectContaining({ body: shown.body, payload: expect.objectContaining({ link: '[link withheld]' }) }),
    ]);
    const timeline = (await as(tenant, agent, 'GET', `/customers/${customerId}/timeline?kinds=message`)).json();
    expect(timeline.data[0].data.subject).toBe('How did we do?');
    // Only an admin may reveal it; the agent and the lead may not.
    expect((await as(tenant, agent, 'POST', `/survey-invitations/${invitation.id}/link`)).statusCode).toBe(403);
    expect((await as(tenant, lead, 'POST', `/survey-invitations/${invitation.id}/link`)).statusCode).toBe(403);

    // Answering from the agent's signed-in browser is refused with a page that says why.
    for (const attempt of [
      await ctx.app.inject({ method: 'GET', url: pathOf(link), headers: { cookie: agent.cookie } }),
      await answer(pathOf(link), agent.cookie),
    ]) {
      expect(attempt.statusCode).toBe(403);
      expect(attempt.headers['content-type']).toContain('text/html');
      expect(attempt.body).toContain('signed in to Rapport as staff');
      expect(attempt.body).toContain('<title>Signed in as staff</title>');
    }
    expect((await call<{ data: unknown[] }>(tenant, `/survey-responses?customerId=${customerId}`, undefined, 200)).data).toEqual([]);

    // The link got out some other way (the address is the agent's own) and is answered from a
    // browser with no session: the answer is kept, but not credited to the agent.
    expect((await answer(pathOf(link))).statusCode).toBe(303);
    const [stored] = (
      await call<{ data: Array<Record<string, unknown>> }>(tenant, `/survey-responses?customerId=${customerId}`, undefined, 200)
    ).data;
    expect(stored).toMatchObject({ nps: 10, csat: 5, ces: 7, agentId: null });
    expect(await scorecards(tenant)).toEqual(before);
    const audit = (await as(tenant, null, 'GET', `/audit-log?entityType=survey_response&entityId=${stored?.id as string}`)).json();
    expect(audit.data[0]).toMatchObject({
      action: 'survey_response.agent_not_credited',
      changes: { agentId: agent.userId, reason: 'agent_supplied_contact_point' },
    });

    // The same agent serving a customer whose address someone else recorded is credited: the
    // rule is about who supplied the address, and the scorecard does count real answers.
    const genuine = await servedCustomer(tenant, null, agent, survey.id, 'real.customer@example.org');
    expect((await answer(pathOf(await linkInOutbox(genuine.invitation.messageId)))).statusCode).toBe(303);
    const after = await scorecards(tenant);
    expect(after.data).toEqual([expect.objectContaining({ agentId: agent.userId, responses: 1 })]);
  });

  it('lets an admin reveal a link to resend it by hand, and records who did', async () => {
    const tenant = await createTenant(ctx.app);
    const admin = await addPerson(ctx.app, tenant, 'admin');
    const agent = await addPerson(ctx.app, tenant, 'agent');
    const survey = await createSurvey(tenant, SCORES_SURVEY);
    const { invitation } = await servedCustomer(tenant, null, agent, survey.id, 'kim@example.org');

    const revealed = await as(tenant, admin, 'POST', `/survey-invitations/${invitation.id}/link`);
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json()).toEqual({
      invitationId: invitation.id,
      link: await linkInOutbox(invitation.messageId),
      expiresAt: invitation.expiresAt,
    });
    const audit = (await as(tenant, admin, 'GET', `/audit-log?entityType=survey_invitation&entityId=${invitation.id}`)).json();
    expect(audit.data).toEqual([
      expect.objectContaining({ action: 'survey_invitation.link_revealed', actorKind: 'user', actorId: admin.userId }),
    ]);
    // The link the admin passed on opens the survey for the customer.
    expect((await ctx.app.inject({ method: 'GET', url: pathOf(revealed.json().link) })).statusCode).toBe(200);
    expect((await as(tenant, admin, 'POST', '/survey-invitations/inv_nosuch/link')).statusCode).toBe(404);
    // An admin of another workspace learns nothing of this invitation.
    const stranger = await createTenant(ctx.app);
    const strangerAdmin = await addPerson(ctx.app, stranger, 'admin');
    const elsewhere = await as(stranger, strangerAdmin, 'POST', `/survey-invitations/${invitation.id}/link`);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json()).toEqual({ error: expect.objectContaining({ code: 'not_found' }) });

    // An admin who served the customer may not reveal the link to a survey about their own work.
    const own = await servedCustomer(tenant, null, admin, survey.id, 'ola@example.org');
    const refused = await as(tenant, admin, 'POST', `/survey-invitations/${own.invitation.id}/link`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('your own work');
  });

  it('sends no link a staff view could not withhold, and does not invite a member of staff', async () => {
    const tenant = await createTenant(ctx.app);
    const agent = await addPerson(ctx.app, tenant, 'agent');
    const survey = await createSurvey(tenant, SCORES_SURVEY);
    // A template that prints the link altered (here upper-cased) would show staff a usable copy.
    const template = await call<{ data: Array<{ id: string; key: string }> }>(tenant, '/message-templates', undefined, 200);
    expect(template.data.find((t) => t.key === 'survey_invite')).toBeUndefined();
    await call(
      tenant,
      '/message-templates',
      { key: 'survey_invite', purpose: 'survey', language: 'en', subject: 'How did we do?', body: 'Answer: {{ data.link | upcase }}' },
      201,
    );
    const { invitation } = await servedCustomer(tenant, null, agent, survey.id, 'lee@example.org');
    expect(invitation).toMatchObject({ status: 'suppressed', reason: 'template_alters_withheld' });
    const stored = await ctx.app.database.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', invitation.messageId)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('suppressed');
    expect(stored.body).toBe('Answer: [LINK WITHHELD]');

    // A customer whose email address is a staff member's is not invited at all.
    const staffEmail = (await as(tenant, agent, 'GET', '/auth/me')).json().user.email as string;
    const self = await servedCustomer(tenant, null, agent, survey.id, staffEmail);
    expect(self.invitation).toMatchObject({ status: 'skipped', reason: 'staff_contact', messageId: null });
  });
});
