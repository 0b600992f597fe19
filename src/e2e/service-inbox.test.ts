import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp } from '../test/app.js';
import { addPerson, call, createCustomer } from '../service/service.test-helpers.js';
import { openPage, useBrowserOnTestApp } from './e2e.test-helpers.js';

const ctx = useTestApp();
const web = useBrowserOnTestApp(ctx);

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

    // Playwright's default window, as before.
    const { context, page, errors } = await openPage(
      web.browser,
      { width: 1280, height: 720 },
      { baseUrl: web.baseUrl, cookie: agent.cookie },
    );

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
