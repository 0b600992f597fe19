import { describe, expect, it } from 'vitest';
import { createSurvey, invite, NPS_SURVEY, surveyableCustomer } from '../feedback/feedback.test-helpers.js';
import { addPerson, call } from '../service/service.test-helpers.js';
import { createTenant, useTestApp } from '../test/app.js';
import { openPage, screenshot, useBrowserOnTestApp, watchErrors } from './e2e.test-helpers.js';

const ctx = useTestApp();
const web = useBrowserOnTestApp(ctx);

/** A desktop page signed in with a session cookie; console errors and uncaught exceptions are collected. */
const signedIn = (cookie: string) => openPage(web.browser, { width: 1440, height: 1000 }, { baseUrl: web.baseUrl, cookie });

describe('voice of the customer in the browser', () => {
  it('lets a customer answer on a phone with JavaScript off, then a lead follows up and sees it on the 360', async () => {
    const tenant = await createTenant(ctx.app, 'Northwind Telecom');
    const lead = await addPerson(ctx.app, tenant, 'lead');
    const team = await call<{ id: string }>(tenant, '/teams', { name: 'Care', leadId: lead.userId, memberIds: [] }, 201);
    const customer = await surveyableCustomer(ctx.app, tenant, 'Gwen Rhys', 'en-GB');
    const interaction = await call<{ id: string }>(
      tenant,
      '/interactions',
      {
        customerId: customer,
        channel: 'chat',
        direction: 'inbound',
        teamId: team.id,
        startedAt: new Date(Date.now() - 600_000).toISOString(),
      },
      201,
    );
    const survey = await createSurvey(tenant);
    const invitation = await invite(tenant, survey.id, { customerId: customer, interactionId: interaction.id });

    // The customer: a phone-sized window, no JavaScript at all.
    const phone = await web.browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await phone.newPage();
    const errors = watchErrors(page);
    await page.goto(invitation.link.replace(/^https?:\/\/[^/]+/, web.baseUrl));
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByText('Northwind Telecom').first().waitFor();
    const nps = page.getByRole('group', { name: /How likely are you to recommend us/ });
    expect(await nps.getByRole('radio').count()).toBe(11);
    const feelings = page.getByRole('group', { name: /How did this make you feel/ });
    expect(await feelings.getByRole('checkbox').count()).toBe(7);
    // Every control is labelled.
    for (const label of ['0', '6', '10']) await nps.getByRole('radio', { name: label, exact: true }).waitFor({ state: 'attached' });
    await feelings.getByRole('checkbox', { name: 'Safe' }).waitFor({ state: 'attached' });
    await screenshot(page, 'feedback-survey-page-phone.png');

    // Sending without the required score shows the error beside it.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('alert').waitFor();
    await nps.getByRole('radio', { name: '2', exact: true }).check({ force: true });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2 of 2').waitFor();
    await page.getByLabel(/What is the main reason for your score/).fill('Nobody called me back and the chat kept dropping. Terrible.');
    await page.getByRole('button', { name: 'Send my answers' }).click();
    await page.getByText('someone from our team will contact you shortly').waitFor();
    await screenshot(page, 'feedback-thank-you-phone.png');
    expect(errors).toEqual([]);
    await phone.close();

    // The lead: the follow-up inbox, resolving it with an outcome.
    const staff = await signedIn(lead.cookie);
    await staff.page.goto('/follow-ups');
    const item = staff.page.getByRole('listitem').filter({ hasText: 'Gwen Rhys' });
    await item.waitFor();
    expect(await item.textContent()).toContain('Detractor');
    expect(await item.textContent()).toContain('Nobody called me back');
    await screenshot(staff.page, 'feedback-follow-ups.png');
    await item.getByLabel(/What did you do/).fill('Called Gwen, fixed the chat account and apologised.');
    await item.getByRole('button', { name: 'Resolve and re-survey' }).click();
    await staff.page.getByText('Nobody is waiting for a call back.').waitFor();
    await staff.page.getByRole('button', { name: 'Done' }).click();
    await staff.page.getByText('Called Gwen, fixed the chat account').waitFor();

    // The 360 timeline shows the invitation, the response and the follow-up.
    await staff.page.goto(`/customers/${customer}`);
    await staff.page.getByText('Answered After your call (NPS 2)').waitFor();
    await staff.page.getByText('Followed up after an unhappy answer').waitFor();
    await staff.page.getByText('Invited to After your call').first().waitFor();
    await screenshot(staff.page, 'feedback-customer-timeline.png');
    expect(staff.errors).toEqual([]);
    await staff.context.close();
  });

  it('edits a survey beside a live preview of the customer page', async () => {
    const tenant = await createTenant(ctx.app, 'Northwind Telecom');
    const admin = await addPerson(ctx.app, tenant, 'admin');
    await createSurvey(tenant, { ...NPS_SURVEY, name: 'Existing survey' });
    const { context, page, errors } = await signedIn(admin.cookie);
    await page.goto('/surveys');
    await page.getByRole('button', { name: /Existing survey/ }).waitFor();
    await page.getByRole('button', { name: 'New survey' }).click();
    await page.getByLabel('Name', { exact: true }).fill('After a shop visit');
    await page.getByLabel('Question text (en)').first().fill('Would you recommend our shop to a friend?');
    const preview = page.frameLocator('iframe[title="Survey page preview"]');
    await preview.getByText('Would you recommend our shop to a friend?').waitFor();
    await preview.getByText('Northwind Telecom').waitFor();
    await page.getByRole('button', { name: 'Create survey' }).click();
    await page.getByText('Saved After a shop visit.').waitFor();
    await page.getByRole('button', { name: /After a shop visit/ }).waitFor();
    await screenshot(page, 'feedback-survey-editor.png');
    expect(errors).toEqual([]);
    await context.close();
  });
});
