import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { findHouseholdCustomer, openPage, screenshot, signIn, useSeededServer } from './e2e.test-helpers.js';

const server = useSeededServer();

describe('the customer 360 in the browser', () => {
  it('signs in, finds a customer as you type, shows the 360 and follows a household link, with no console errors', async () => {
    const customer = await findHouseholdCustomer(server.database, server.seeded.workspace.id);
    const { page, context, errors } = await openPage(server.browser);
    try {
      await page.goto(server.baseUrl);
      await page.waitForURL(`${server.baseUrl}/sign-in`);
      await signIn(page);

      // Signed in: the shell shows who and in which role.
      const user = page.getByLabel('Signed in');
      await expect.poll(() => user.textContent()).toContain('Alex Morgan');
      expect(await user.textContent()).toContain('Admin');

      // Results appear while typing: no Enter, no button.
      await page.getByRole('link', { name: 'Customers' }).click();
      const search = page.getByLabel('Search customers');
      await search.pressSequentially(customer.name, { delay: 20 });
      const result = page.getByRole('list', { name: 'Search results' }).locator(`a[href="/customers/${customer.id}"]`);
      await result.waitFor();
      expect(await result.textContent()).toContain(customer.name);
      await result.click();

      // The 360: name, holdings of both product lines, the household and its other member.
      await page.getByRole('heading', { level: 1, name: customer.name }).waitFor();
      const holdings = page.getByRole('region', { name: 'Products and services' });
      for (const line of customer.productLines) await holdings.getByRole('heading', { name: line }).waitFor();
      expect(await holdings.getByRole('meter').count()).toBeGreaterThan(0);
      const household = page.getByRole('region', { name: 'Household' });
      expect(await household.textContent()).toContain(customer.household);
      await page.getByRole('region', { name: 'Consent' }).waitFor();
      await page.getByRole('list', { name: 'Timeline, newest first' }).waitFor();
      // A holding's usage history opens on demand, as a chart of the last twelve months.
      await holdings.getByText('Usage history').first().click();
      const chart = holdings.getByRole('table', { name: /used per month/ });
      await chart.waitFor({ state: 'attached' });
      expect(await chart.getByRole('row').count()).toBe(12);
      await screenshot(page, 'customer-360.png');

      // The timeline is newest first; a kind filter shows only that kind.
      const times = await page.locator('.timeline time').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));
      expect(times.length).toBeGreaterThan(1);
      expect([...times].sort().reverse()).toEqual(times);
      await page.getByRole('button', { name: 'Transactions' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Transactions' }).getAttribute('aria-pressed')).toBe('true');
      await expect
        .poll(
          async () => new Set(await page.locator('.timeline__item').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-kind')))),
        )
        .toEqual(new Set(['transaction']));

      // Follow the household to the other member's 360.
      await household.getByRole('link', { name: customer.other.name }).click();
      await page.waitForURL(`${server.baseUrl}/customers/${customer.other.id}`);
      await page.getByRole('heading', { level: 1, name: customer.other.name }).waitFor();
      expect(await page.getByRole('region', { name: 'Household' }).textContent()).toContain(customer.name);

      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is usable from the keyboard, pages the timeline back in time, and explains an unknown customer', async () => {
    const { rows } = await sql<{ id: string; name: string; email: string }>`
      select c.id, c.display_name as name, i.value as email from customers c
      join customer_identities i on i.workspace_id = c.workspace_id and i.customer_id = c.id and i.kind = 'email'
      where c.workspace_id = ${server.seeded.workspace.id} order by c.id limit 1`.execute(server.database.db);
    const customer = rows[0];
    if (!customer) throw new Error('the seed made no customer with an email');
    // More than one page of timeline: thirty consent changes through the API.
    for (let day = 1; day <= 30; day++) {
      const response = await server.app.inject({
        method: 'POST',
        url: `/api/v1/customers/${customer.id}/consent`,
        headers: { authorization: `Bearer ${server.seeded.secretKey}` },
        payload: {
          purpose: 'marketing',
          channel: 'email',
          status: day % 2 ? 'withdrawn' : 'granted',
          source: 'preference-centre',
          recordedAt: new Date(Date.UTC(2020, 0, day)).toISOString(),
        },
      });
      expect(response.statusCode, response.body).toBe(201);
    }

    const { page, context, errors } = await openPage(server.browser, { width: 820, height: 1180 });
    try {
      await page.goto(`${server.baseUrl}/customers`);
      await signIn(page);
      await page.waitForURL(`${server.baseUrl}/customers`);

      // Quick search in the top bar by email, then arrow down to the result and open it with Enter.
      const quick = page.getByRole('searchbox', { name: 'Find a customer by name, email, phone or id' });
      await quick.fill(customer.email.toUpperCase());
      await quick.press('Enter');
      const result = page.getByRole('list', { name: 'Search results' }).locator(`a[href="/customers/${customer.id}"]`);
      await result.waitFor();
      await page.getByLabel('Search customers').press('ArrowDown');
      expect(await result.evaluate((link) => link === link.ownerDocument.activeElement)).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: customer.name }).waitFor();

      // Older entries load below, still newest first, none twice.
      const items = page.locator('.timeline__item');
      await page.getByRole('list', { name: 'Timeline, newest first' }).waitFor();
      expect(await items.count()).toBe(25);
      await page.getByRole('button', { name: 'Show older' }).click();
      await expect.poll(() => items.count()).toBeGreaterThan(25);
      // The oldest page ends the list.
      while (await page.getByRole('button', { name: 'Show older' }).isVisible()) {
        const before = await items.count();
        await page.getByRole('button', { name: 'Show older' }).click();
        // A last full page is followed by an empty one: then nothing is added, and the list says it has ended.
        await expect
          .poll(async () => (await items.count()) > before || (await page.getByText('That is everything.').isVisible()))
          .toBe(true);
      }
      await page.getByText('That is everything.').waitFor();
      const ids = await items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-id')));
      expect(new Set(ids).size).toBe(ids.length);
      expect(await page.locator('.timeline__item[data-kind="consent"]').count()).toBeGreaterThanOrEqual(30);
      const times = await page.locator('.timeline time').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));
      expect([...times].sort().reverse()).toEqual(times);
      await screenshot(page, 'customer-360-tablet.png');
      expect(errors).toEqual([]);

      await page.goto(`${server.baseUrl}/customers/cus_doesnotexist`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('Not found');
      await alert.getByRole('button', { name: 'Try again' }).waitFor();
      // The browser itself reports the 404 answer; nothing else may fail.
      expect(errors.filter((error) => !error.includes('404'))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opens the surviving profile when a merged customer is opened, with the merge on its timeline', async () => {
    const api = (method: 'POST', url: string, payload: object) =>
      server.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${server.seeded.secretKey}` }, payload });
    const first = (
      await api('POST', '/customers', { displayName: 'Morgan Merged', identities: [{ kind: 'email', value: 'mm1@example.com' }] })
    ).json();
    const second = (
      await api('POST', '/customers', { displayName: 'Morgan M.', identities: [{ kind: 'email', value: 'mm2@example.com' }] })
    ).json();
    const merge = await api('POST', `/customers/${first.id}/merge`, { otherId: second.id, reason: 'same person' });
    expect(merge.statusCode, merge.body).toBe(200);
    const { survivorId, mergedId } = merge.json();

    const { page, context, errors } = await openPage(server.browser);
    try {
      await page.goto(`${server.baseUrl}/customers/${mergedId}`);
      await signIn(page);
      await page.waitForURL(`${server.baseUrl}/customers/${survivorId}`);
      await page.getByRole('heading', { level: 1, name: 'Morgan Merged' }).waitFor();
      const identities = page.getByRole('region', { name: 'Identities' });
      await expect.poll(() => identities.textContent()).toContain('mm2@example.com');
      await page.getByRole('button', { name: 'Merges' }).click();
      const merged = page.locator('.timeline__item[data-kind="merge"]');
      await merged.waitFor();
      expect(await merged.textContent()).toContain(mergedId);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
