import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { openPage, useBrowserOnTestApp } from '../e2e/e2e.test-helpers.js';
import { insertMessageCustomer } from '../test/messages.js';

const ctx = useTestApp();
const web = useBrowserOnTestApp(ctx);

/** A page signed in as a lead of the tenant; any console error fails the test. */
async function openAsLead(tenant: TestTenant): Promise<{ page: Page; errors: string[] }> {
  const { cookie } = await tenant.signInAs('lead');
  // Playwright's default window, as before.
  return openPage(web.browser, { width: 1280, height: 720 }, { baseUrl: web.baseUrl, cookie });
}

describe('messages in the browser app', () => {
  it('writes a template against a live preview for a real customer, and shows field errors on save', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    await insertMessageCustomer(ctx.database.db, tenant.workspace.id, { displayName: 'Megan Jones', email: 'megan@example.com' });
    const { page, errors } = await openAsLead(tenant);
    await page.goto(`${web.baseUrl}/messages/templates`);
    await page.getByRole('heading', { name: 'Message templates' }).waitFor();
    await page.getByLabel('Key').fill('welcome');
    await page.getByLabel('Subject').fill('Hi {{ customer.first_name }}');
    await page.getByLabel('Body').fill('Welcome, {{ customer.first_name }}. {{ data.note }}');
    await page.getByLabel('Customer', { exact: true }).fill('Megan');
    await page.getByRole('button', { name: /Megan Jones/ }).click();
    await page.getByLabel('Data (JSON: what we did for them)').fill('{"note": "Glad to have you."}');
    const preview = page.getByRole('article', { name: 'Preview' });
    await expect.poll(() => preview.textContent().catch(() => ''), { timeout: 10_000 }).toContain('Welcome, Megan. Glad to have you.');
    expect(await preview.textContent()).toContain('Hi Megan');

    await page.getByLabel('Body').fill('Welcome, {{ custmer.first_name }}');
    await page.getByRole('button', { name: 'Create template' }).click();
    await page
      .getByText(/unknown variable custmer/)
      .first()
      .waitFor();
    await page.getByLabel('Body').fill('Welcome, {{ customer.first_name }}.');
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.getByText('Saved welcome (en).').waitFor();
    await page.getByRole('list', { name: 'Templates' }).getByText('welcome').waitFor();
    // The refused save is logged by Chromium as a failed request (400); nothing else may be.
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
  });

  it('previews a stored template at once from its sample data, and shows it read-only to a role that may not change it', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    await insertMessageCustomer(ctx.database.db, tenant.workspace.id, { displayName: 'Megan Jones', email: 'megan@example.com' });
    const created = await tenant.api({
      method: 'POST',
      url: '/api/v1/message-templates',
      payload: {
        key: 'welcome',
        purpose: 'service',
        language: 'en',
        subject: 'Hi {{ customer.first_name }}',
        body: 'Welcome. Your link: {{ data.link }}',
        sampleData: { link: 'https://rapport.example/s/sample' },
      },
    });
    expect(created.statusCode).toBe(201);

    const { page, errors } = await openAsLead(tenant);
    await page.goto(`${web.baseUrl}/messages/templates`);
    await page
      .getByRole('list', { name: 'Templates' })
      .getByRole('button', { name: /welcome/ })
      .click();
    await page.getByLabel('Customer', { exact: true }).fill('Megan');
    await page.getByRole('button', { name: /Megan Jones/ }).click();
    const preview = page.getByRole('article', { name: 'Preview' });
    await expect
      .poll(() => preview.textContent().catch(() => ''), { timeout: 10_000 })
      .toContain('Your link: https://rapport.example/s/sample');
    expect(errors).toEqual([]);

    const { cookie } = await tenant.signInAs('analyst');
    const reader = await openPage(web.browser, { width: 1280, height: 720 }, { baseUrl: web.baseUrl, cookie });
    await reader.page.goto(`${web.baseUrl}/messages/templates`);
    await reader.page.getByText('Your role can read templates but not change them.').waitFor();
    await reader.page
      .getByRole('list', { name: 'Templates' })
      .getByRole('button', { name: /welcome/ })
      .click();
    await reader.page.getByRole('heading', { name: 'welcome (en)' }).waitFor();
    expect(await reader.page.getByLabel('Subject').isDisabled()).toBe(true);
    expect(await reader.page.getByRole('button', { name: /New template|Save changes|Create template/ }).count()).toBe(0);
    expect(await reader.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).count()).toBe(0);
    expect(reader.errors).toEqual([]);
  });

  it('lists the outbox by status and shows messages on the customer’s timeline', async () => {
    const tenant = await createTenant(ctx.app, 'Demo Telecom');
    const customer = await insertMessageCustomer(ctx.database.db, tenant.workspace.id, {
      displayName: 'Luc Martin',
      email: 'luc@example.com',
    });
    await tenant.api({
      method: 'POST',
      url: '/api/v1/message-templates',
      payload: {
        key: 'fixed',
        purpose: 'service',
        language: 'en',
        subject: 'Fixed for you, {{ customer.first_name }}',
        body: 'It works again.',
      },
    });
    const queued = await tenant.api({
      method: 'POST',
      url: '/api/v1/messages',
      payload: { customerId: customer, purpose: 'service', templateKey: 'fixed' },
    });
    expect(queued.statusCode).toBe(201);
    const { page, errors } = await openAsLead(tenant);
    await page.goto(`${web.baseUrl}/messages`);
    await page.getByRole('heading', { name: 'Outbox' }).waitFor();
    await page.getByRole('cell', { name: 'Fixed for you, Luc' }).waitFor();
    // People read the customer's name, never their id.
    await page.getByRole('link', { name: 'Luc Martin' }).waitFor();
    await page.getByRole('button', { name: 'Queued (1)' }).click();
    await page.getByRole('heading', { name: 'Queued messages' }).waitFor();
    await page.getByRole('cell', { name: 'Fixed for you, Luc' }).waitFor();
    await page.getByRole('button', { name: 'Failed (0)' }).click();
    await page.getByText('No failed messages.').waitFor();

    await page.goto(`${web.baseUrl}/customers/${customer}`);
    await page.getByText('Service by email: queued').waitFor();
    expect(errors).toEqual([]);
  });
});
