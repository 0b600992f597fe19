import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TransportError, type Transport } from '../messages/channels/index.js';
import { enqueueMessage } from '../messages/enqueue.js';
import { deliverBatch } from '../messages/worker.js';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { insertMessageCustomer, insertTemplate } from '../test/messages.js';
import { openPage, screenshot, useBrowserOnTestApp } from './e2e.test-helpers.js';

const ctx = useTestApp();
const web = useBrowserOnTestApp(ctx);
const db = () => ctx.database.db;

/** A relay that hangs up after taking the message: its worker cannot know whether it was sent. */
const lostAnswer: Transport = {
  channel: 'email',
  idempotent: false,
  async send() {
    throw new TransportError('SMTP: Connection closed unexpectedly', false, true);
  },
};

/** A tenant with one email per name that failed with outcome_unknown. */
async function setup(names: string[]): Promise<{ tenant: TestTenant; ids: string[] }> {
  const tenant = await createTenant(ctx.app, 'Demo Telecom');
  const ws = tenant.workspace.id;
  await insertTemplate(db(), ws, 'bill', 'service', 'Hi {{ customer.first_name }}, your bill is ready.');
  const ids: string[] = [];
  for (const [i, name] of names.entries()) {
    const customer = await insertMessageCustomer(db(), ws, { displayName: name, email: `customer${i}@example.com` });
    ids.push((await enqueueMessage(db(), ws, { customerId: customer, purpose: 'service', templateKey: 'bill' })).id);
  }
  const options = { workerId: 'w1', transports: { email: lostAnswer }, publicUrl: 'https://rapport.example', maxAttempts: 3 };
  await deliverBatch(db(), { ...options, leaseSeconds: 60, workspaceId: ws });
  return { tenant, ids };
}

const statusOf = async (ws: string, id: string) =>
  (await db().selectFrom('messages').select('status').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirstOrThrow()).status;

async function fitsWidth(page: Page): Promise<boolean> {
  return page.locator('html').evaluate((html) => html.scrollWidth <= html.clientWidth);
}

describe('requeueing from the outbox page', () => {
  it('lets an admin send an email of unknown outcome again after confirming; others see no button', async () => {
    const { tenant, ids } = await setup(['Ada Lovelace', 'Grace Hopper', 'Mary Somerville']);
    const ws = tenant.workspace.id;
    const admin = await tenant.signInAs('admin');

    // 1440 px: cancel first (nothing changes), then confirm.
    const { page, context, errors } = await openPage(
      web.browser,
      { width: 1440, height: 900 },
      { baseUrl: web.baseUrl, cookie: admin.cookie },
    );
    await page.goto(`${web.baseUrl}/messages?status=failed`);
    await page.getByRole('heading', { name: 'Failed messages' }).waitFor();
    await page.getByText('Failed: Outcome unknown').first().waitFor();
    const sendAgain = page.getByRole('button', { name: /^Send “About your account, Ada” again$/ });
    await sendAgain.click();
    const dialog = page.getByRole('dialog', { name: 'Send this email again?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('customer0@example.com');
    expect(await dialog.textContent()).toMatch(/Message-ID <[^@]+@…>/);
    await screenshot(page, 'outbox-requeue-1440.png');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await statusOf(ws, ids[0] as string)).toBe('failed');

    await sendAgain.click();
    await dialog.getByRole('button', { name: 'Send again' }).click();
    await page.getByRole('status').filter({ hasText: 'Queued again: “About your account, Ada”.' }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    expect(await statusOf(ws, ids[0] as string)).toBe('queued');
    // The failed list no longer holds it; the others still offer the button.
    await expect.poll(() => sendAgain.count()).toBe(0);
    await page.getByRole('button', { name: 'Failed (2)' }).waitFor();
    const audit = await tenant.api({ method: 'GET', url: `/api/v1/audit-log?entityType=message&entityId=${ids[0]}` });
    expect(audit.json().data[0]).toMatchObject({ action: 'message.requeued', actorKind: 'user' });
    await screenshot(page, 'outbox-requeued-1440.png');
    expect(errors).toEqual([]);
    await context.close();

    // 820 and 390 px: the page and the dialog fit the width.
    for (const width of [820, 390]) {
      const narrow = await openPage(web.browser, { width, height: 900 }, { baseUrl: web.baseUrl, cookie: admin.cookie });
      await narrow.page.goto(`${web.baseUrl}/messages?status=failed`);
      await narrow.page.getByRole('heading', { name: 'Failed messages' }).waitFor();
      await narrow.page.getByRole('button', { name: /^Send “About your account, Grace” again$/ }).click();
      await narrow.page.getByRole('dialog', { name: 'Send this email again?' }).waitFor();
      await screenshot(narrow.page, `outbox-requeue-${width}.png`);
      expect(await fitsWidth(narrow.page)).toBe(true);
      await narrow.page.getByRole('button', { name: 'Cancel' }).click();
      expect(narrow.errors).toEqual([]);
      await narrow.context.close();
    }
    expect(await statusOf(ws, ids[1] as string)).toBe('failed');

    // A lead sees the same messages but no button (the API refuses them too).
    const lead = await tenant.signInAs('lead');
    const asLead = await openPage(web.browser, { width: 1440, height: 900 }, { baseUrl: web.baseUrl, cookie: lead.cookie });
    await asLead.page.goto(`${web.baseUrl}/messages?status=failed`);
    await asLead.page.getByText('Failed: Outcome unknown').first().waitFor();
    expect(await asLead.page.getByRole('button', { name: /^Send .* again$/ }).count()).toBe(0);
    expect(asLead.errors).toEqual([]);
    await asLead.context.close();
  });
});
