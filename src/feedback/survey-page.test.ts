import { describe, expect, it } from 'vitest';
import { addPerson, call } from '../service/service.test-helpers.js';
import { createTenant, useTestApp } from '../test/app.js';
import { linkOf } from './invitations.js';
import { createSurvey, invite, NPS_SURVEY, pathOf, postPage, surveyableCustomer } from './feedback.test-helpers.js';

const ctx = useTestApp();

describe('surveys', () => {
  it('refuses a definition with field paths for each problem', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await tenant.api({
      method: 'POST',
      url: '/api/v1/surveys',
      payload: {
        name: 'Broken',
        kind: 'interaction',
        definition: {
          defaultLanguage: 'en',
          questions: [
            { id: 'a', type: 'nps', text: { pl: 'Tylko po polsku' } },
            { id: 'a', type: 'single', text: { en: 'Pick', 'not a tag!': 'x' }, choices: [{ id: 'x', text: { en: 'X' } }] },
            { id: 'f', type: 'feelings', text: { en: 'Feel' }, choices: [{ id: 'happy', text: { en: 'Happy' } }] },
          ],
        },
      },
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/definition/questions/0/text',
        '/definition/questions/1/id',
        '/definition/questions/1/text/not a tag!',
        '/definition/questions/1/choices',
        '/definition/questions/2/choices/0/id',
      ]),
    );
    const inactive = await tenant.api({ method: 'POST', url: '/api/v1/surveys', payload: { ...NPS_SURVEY, status: 'active' } });
    expect(inactive.statusCode).toBe(400);
    expect(inactive.json().error.issues[0].path).toBe('/trigger/events');
  });
});

describe('the survey page', () => {
  it('asks in the customer language with the company name, keeps partial answers, and thanks a detractor with a promise', async () => {
    const tenant = await createTenant(ctx.app, 'Northwind Telecom');
    const survey = await createSurvey(tenant);
    const customer = await surveyableCustomer(ctx.app, tenant, 'Zofia Nowak', 'pl-PL', 'consumer');
    const invitation = await invite(tenant, survey.id, { customerId: customer });
    expect(invitation.status).toBe('sent');
    const path = pathOf(invitation.link);

    const first = await ctx.app.inject({ method: 'GET', url: path });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('text/html');
    expect(first.body).toContain('<html lang="pl">');
    expect(first.body).toContain('Northwind Telecom');
    expect(first.body).toContain('Jak chętnie polecił(a)by nas');
    expect(first.body).not.toContain('<script');

    // A required question left blank: the page comes back with the error, nothing is stored.
    const blank = await postPage(ctx.app, path, [['page', '1']]);
    expect(blank.statusCode).toBe(200);
    expect(blank.body).toContain('role="alert"');
    expect(blank.body).toContain('href="#q_nps"');

    const page1 = await postPage(ctx.app, path, [
      ['page', '1'],
      ['q_nps', '3'],
      ['q_feel', 'safe'],
      ['q_feel', 'smart'],
    ]);
    expect(page1.statusCode).toBe(303);
    expect(page1.headers.location).toBe(`${path}?page=2`);
    const partial = await call<{ data: Array<Record<string, unknown>> }>(
      tenant,
      `/survey-responses?customerId=${customer}`,
      undefined,
      200,
    );
    expect(partial.data).toHaveLength(1);
    expect(partial.data[0]).toMatchObject({
      status: 'partial',
      nps: 3,
      feelings: ['safe', 'smart'],
      feelingsAsked: true,
      language: 'pl',
      segment: 'consumer',
      surveyKind: 'interaction',
    });

    const page2 = await postPage(ctx.app, path, [
      ['page', '2'],
      ['q_why', 'Nobody called me back and the billing errors keep happening.'],
      ['q_topic', 'billing'],
    ]);
    expect(page2.headers.location).toBe(`${path}?done=1`);
    const thanks = await ctx.app.inject({ method: 'GET', url: page2.headers.location as string });
    expect(thanks.body).toContain('ktoś z naszego zespołu wkrótce się skontaktuje');

    // Answering again updates the one response.
    await postPage(ctx.app, path, [
      ['page', '1'],
      ['q_nps', '9'],
    ]);
    const after = await call<{ data: Array<Record<string, unknown>> }>(tenant, `/survey-responses?customerId=${customer}`, undefined, 200);
    expect(after.data).toHaveLength(1);
    expect(after.data[0]).toMatchObject({
      status: 'complete',
      nps: 9,
      answers: { nps: 9, topic: 'billing' },
      sentimentLabel: 'negative',
      // the feelings question was shown again and none chosen: still asked, for the elevated-feeling share
      feelings: [],
      feelingsAsked: true,
    });
    expect(after.data[0]?.themes).toContain('billing error');
  });

  it('shows what was typed again beside the errors, each answer as its question reads it', async () => {
    const tenant = await createTenant(ctx.app);
    const survey = await createSurvey(tenant);
    const invitation = await invite(tenant, survey.id, { customerId: await surveyableCustomer(ctx.app, tenant, 'Ida Ware') });
    const path = pathOf(invitation.link);
    const page1 = await postPage(ctx.app, path, [
      ['page', '1'],
      ['q_feel', 'safe'],
    ]);
    expect(page1.body).toContain('href="#q_nps"');
    expect(page1.body).toContain('name="q_feel" value="safe" checked');
    // A comment that is only a number is still a comment, kept in its box.
    const page2 = await postPage(ctx.app, path, [
      ['page', '2'],
      ['q_why', '42'],
      ['q_topic', 'no such topic'],
    ]);
    expect(page2.body).toContain('Choose from the options shown.');
    expect(page2.body).toMatch(/<textarea id="q_why-input"[^>]*>42<\/textarea>/);
  });

  it('refuses tampered, cross-workspace and expired links with a clear page', async () => {
    const tenant = await createTenant(ctx.app);
    const other = await createTenant(ctx.app);
    const survey = await createSurvey(tenant);
    const ann = await invite(tenant, survey.id, { customerId: await surveyableCustomer(ctx.app, tenant, 'Ann Lee') });
    const bob = await invite(tenant, survey.id, { customerId: await surveyableCustomer(ctx.app, tenant, 'Bob Ray') });
    const [ws, inv, exp, sig] = pathOf(ann.link).slice(3).split('.') as [string, string, string, string];
    const bobInv = pathOf(bob.link).slice(3).split('.')[1] as string;

    const tries = [
      `${ws}.${bobInv}.${exp}.${sig}`, // Ann's signature on Bob's invitation
      `${other.workspace.id}.${inv}.${exp}.${sig}`, // another workspace
      `${ws}.${inv}.${(parseInt(exp, 36) + 86_400).toString(36)}.${sig}`, // a longer life
      `${ws}.${inv}.${exp}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
      'garbage',
    ];
    for (const token of tries) {
      const page = await ctx.app.inject({ method: 'GET', url: `/s/${token}` });
      expect(page.statusCode, token).toBe(404);
      expect(page.body).toContain('This survey link is not valid');
      const post = await postPage(ctx.app, `/s/${token}`, [
        ['page', '1'],
        ['q_nps', '10'],
      ]);
      expect(post.statusCode).toBe(404);
    }
    expect((await call<{ data: unknown[] }>(tenant, '/survey-responses', undefined, 200)).data).toHaveLength(0);

    // Past its expiry, a genuine link gets a page saying so.
    const row = await ctx.app.database.db
      .updateTable('survey_invitations')
      .set({ expires_at: new Date(Math.floor(Date.now() / 1000 - 60) * 1000) })
      .where('id', '=', inv)
      .returningAll()
      .executeTakeFirstOrThrow();
    const expired = await ctx.app.inject({ method: 'GET', url: pathOf(await linkOf(ctx.app.database.db, ctx.app.config, row)) });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('This survey link has expired');
    // The old link names the old expiry, which no longer matches: refused as invalid.
    expect((await ctx.app.inject({ method: 'GET', url: pathOf(ann.link) })).statusCode).toBe(404);
  });

  it('opens one follow-up case for the team lead, records the outcome, and shows the re-survey score', async () => {
    const tenant = await createTenant(ctx.app);
    const lead = await addPerson(ctx.app, tenant, 'lead');
    const agent = await addPerson(ctx.app, tenant, 'agent');
    const team = await call<{ id: string }>(tenant, '/teams', { name: 'Billing', memberIds: [agent.userId], leadId: lead.userId }, 201);
    const customer = await surveyableCustomer(ctx.app, tenant, 'Cara Diaz');
    const interaction = await call<{ id: string }>(
      tenant,
      '/interactions',
      {
        customerId: customer,
        channel: 'phone',
        direction: 'inbound',
        agentId: agent.userId,
        teamId: team.id,
        startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      },
      201,
    );
    const survey = await createSurvey(tenant);
    const invitation = await invite(tenant, survey.id, { customerId: customer, interactionId: interaction.id });
    const path = pathOf(invitation.link);
    await postPage(ctx.app, path, [
      ['page', '1'],
      ['q_nps', '2'],
    ]);
    await postPage(ctx.app, path, [
      ['page', '2'],
      ['q_why', 'Terrible. I waited an hour and the agent was rude and useless.'],
    ]);
    await postPage(ctx.app, path, [
      ['page', '1'],
      ['q_nps', '1'],
    ]);

    const [response] = (
      await call<{ data: Array<Record<string, unknown>> }>(tenant, `/survey-responses?customerId=${customer}`, undefined, 200)
    ).data;
    expect(response).toMatchObject({ interactionId: interaction.id, agentId: agent.userId, teamId: team.id, channel: 'phone' });
    const open = await call<{ data: Array<Record<string, unknown>> }>(tenant, '/follow-ups', undefined, 200);
    expect(open.data).toHaveLength(1);
    const followUp = open.data[0] as { caseId: string; ownerId: string; reasons: string[]; before: { nps: number } };
    expect(followUp.ownerId).toBe(lead.userId);
    expect(followUp.reasons).toContain('detractor');
    expect(followUp.before.nps).toBe(1);

    const resolved = await call<{ resurvey: { invitationId: string }; outcome: string }>(
      tenant,
      `/follow-ups/${followUp.caseId}/resolve`,
      { outcome: 'Called her, refunded the overcharge and apologised.' },
      200,
      lead,
    );
    expect(resolved.outcome).toContain('refunded');
    const caseDetail = await call<{ state: string; events: Array<{ kind: string; data: { note?: string } }> }>(
      tenant,
      `/cases/${followUp.caseId}`,
      undefined,
      200,
    );
    expect(caseDetail.state).toBe('resolved');
    expect(caseDetail.events.find((e) => e.kind === 'resolved')?.data.note).toContain('refunded');

    // The re-survey after recovery goes out despite the 30-day rule, and its answer shows on the follow-up.
    const resurvey = await ctx.app.database.db
      .selectFrom('survey_invitations')
      .selectAll()
      .where('id', '=', resolved.resurvey.invitationId)
      .executeTakeFirstOrThrow();
    expect(resurvey.status).toBe('sent');
    const messages = await ctx.app.database.db
      .selectFrom('messages')
      .select(['body', 'status'])
      .where('id', '=', resurvey.message_id as string)
      .executeTakeFirstOrThrow();
    const link = /\/s\/\S+/.exec(messages.body ?? '')?.[0] as string;
    await postPage(ctx.app, link, [
      ['page', '1'],
      ['q_nps', '8'],
    ]);
    const after = await call<{ recovered: boolean; resurvey: { answered: boolean; after: { nps: number } } }>(
      tenant,
      `/follow-ups/${followUp.caseId}`,
      undefined,
      200,
    );
    expect(after.resurvey).toMatchObject({ answered: true, after: { nps: 8 } });
    expect(after.recovered).toBe(true);
    // Still one follow-up for the first response.
    expect((await call<{ data: unknown[] }>(tenant, '/follow-ups?state=all', undefined, 200)).data).toHaveLength(1);

    // Erasure: the words go, the scores stay for the aggregates, and the links stop working.
    await call(tenant, `/customers/${customer}/erase`, {}, 200);
    const erased = await ctx.app.database.db.selectFrom('survey_responses').selectAll().where('customer_id', '=', customer).execute();
    expect(erased.map((r) => [r.comment, r.themes, r.nps])).toEqual(
      expect.arrayContaining([
        [null, [], 1],
        [null, [], 8],
      ]),
    );
    const followUpRow = await ctx.app.database.db
      .selectFrom('survey_followups')
      .select('outcome')
      .where('case_id', '=', followUp.caseId)
      .executeTakeFirstOrThrow();
    expect(followUpRow.outcome).toBeNull();
    expect((await ctx.app.inject({ method: 'GET', url: path })).statusCode).toBe(410);
  });
});
