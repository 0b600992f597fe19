import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openPage, screenshot, signIn, useSeededServer } from './e2e.test-helpers.js';

const server = useSeededServer();

describe('loyalty and giving in the browser', () => {
  it('shows points, tier and gifts on the 360, accepts an offer, and shows the Giving and Loyalty pages', async () => {
    const ws = server.seeded.workspace.id;
    // A customer with an open offer from the demo's giving run.
    const { rows } = await sql<{ customer_id: string; display_name: string; title: string }>`
      select g.customer_id, c.display_name, g.title from gifts g join customers c on c.workspace_id = g.workspace_id and c.id = g.customer_id
      where g.workspace_id = ${ws} and g.status = 'offered' and c.display_name is not null order by g.value_minor desc, g.id limit 1`.execute(
      server.database.db,
    );
    const customer = rows[0];
    expect(customer).toBeDefined();
    if (!customer) return;
    const { page, context, errors } = await openPage(server.browser);
    try {
      await page.goto(`${server.baseUrl}/sign-in`);
      await signIn(page);
      await page.getByLabel('Signed in').waitFor();

      await page.goto(`${server.baseUrl}/customers/${customer.customer_id}`);
      await page.getByRole('heading', { level: 1, name: customer.display_name }).waitFor();
      const panel = page.getByRole('region', { name: 'Loyalty and gifts' });
      await panel.getByText('Points').first().waitFor();
      const gifts = panel.getByRole('list', { name: 'Gifts' });
      const offer = gifts.getByRole('listitem').filter({ hasText: customer.title }).first();
      await offer.waitFor();
      await screenshot(page, 'giving-customer-360.png');
      await offer.getByRole('button', { name: 'Customer accepts' }).click();
      await expect.poll(() => offer.textContent()).toContain('accepted');
      await page.getByRole('button', { name: 'Gifts' }).click();
      await page
        .getByRole('list', { name: 'Timeline, newest first' })
        .getByText(/Gift accepted/)
        .first()
        .waitFor();

      await page.getByRole('link', { name: 'Giving' }).click();
      await page.getByRole('heading', { level: 1, name: 'Giving' }).waitFor();
      const rules = page.getByRole('table', { name: 'Gifts per rule' });
      await rules.waitFor();
      expect(await rules.textContent()).toContain('Best tariff');
      await page.getByRole('table', { name: 'Outcomes of recipients and non-recipients' }).waitFor();
      await screenshot(page, 'giving-page.png');

      await page.getByRole('link', { name: 'Loyalty' }).click();
      await page.getByRole('heading', { level: 1, name: 'Loyalty' }).waitFor();
      expect(await page.getByRole('table', { name: 'Tiers' }).textContent()).toContain('Platinum');
      expect(await page.getByRole('table', { name: 'Rewards' }).textContent()).toContain('Cinema ticket');
      expect(await page.getByRole('table', { name: 'Customers paying a loyalty penalty' }).textContent()).toContain(
        'SIM Only 10 GB (2021)',
      );
      await screenshot(page, 'loyalty-page.png');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
