import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, useTestApp } from '../test/app.js';
import { launchBrowser } from '../test/browser.js';
import { addPerson, call, createCustomer } from '../service/test-setup.js';

const ctx = useTestApp();
let browser: Browser;
let base: string;

beforeAll(async () => {
  browser = await launchBrowser();
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const address = ctx.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await browser?.close();
});

describe('the case inbox in the browser', () => {
  it('takes an agent from their inbox to the case page, shows its interactions and resolves it', async () => {
    const tenant = await createTenant(ctx.app);
    const agent = await addPerson(ctx.app, tenant, 'agent');
    const customer = await createCustomer(tenant, 'Bri Browser');
    const opened = await call<{ id: string }>(
      tenant,
      '/cases',
      {
        customerId: customer,
        subject: 'Bill looks wrong',
        channel: 'email',
        agentId: agent.userId,
        openedAt: new Date(Date.now() - 3_600_000).toISOString(),
      },
      201,
    );
    await call(
      tenant,
      '/interactions',
      {
        customerId: customer,
        caseId: opened.id,
        channel: 'email',
        direction: 'inbound',
        startedAt: new Date(Date.now() - 3_600_000).toISOString(),
        note: 'Charged twice in March',
      },
      201,
    );

    const context = await browser.newContext({ baseURL: base });
    const [name, value = ''] = agent.cookie.split('=');
    await context.addCookies([{ name: name ?? 'rapport_session', value, url: base }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });

    await page.goto('/cases?view=mine');
    await page.getByRole('link', { name: 'Bill looks wrong' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bill looks wrong' }).waitFor();
    expect(await page.getByRole('table', { name: 'Interactions on this case' }).textContent()).toContain('Charged twice in March');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByRole('button', { name: 'Close' }).waitFor();
    expect(await page.getByRole('table', { name: 'What happened to this case' }).textContent()).toContain('Resolved');

    // Resolved cases leave the inbox.
    await page.goto('/cases?view=mine');
    await page.getByText('No live cases are assigned to you.').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
