import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openPage, signIn, useSeededServer } from './e2e.test-helpers.js';

const server = useSeededServer(5);

async function someCustomer(): Promise<{ id: string; name: string }> {
  const { rows } = await sql<{ id: string; name: string }>`
    select id, display_name as name from customers where workspace_id = ${server.seeded.workspace.id} order by id limit 1`.execute(
    server.database.db,
  );
  if (!rows[0]) throw new Error('the seed made no customer');
  return rows[0];
}

describe('signing in and out in the browser', () => {
  it('sends a visitor to sign-in and back to the page they were going to, and signs out', async () => {
    const customer = await someCustomer();
    const { page, context, errors } = await openPage(server.browser);
    try {
      await page.goto(`${server.baseUrl}/customers/${customer.id}`);
      await page.waitForURL(`${server.baseUrl}/sign-in?next=${encodeURIComponent(`/customers/${customer.id}`)}`);
      await expect.poll(() => page.title()).toBe('Sign in · Rapport');
      await signIn(page, 'agent1@demo.rapport.dev');

      await page.waitForURL(`${server.baseUrl}/customers/${customer.id}`);
      await page.getByRole('heading', { level: 1, name: customer.name }).waitFor();
      const user = page.getByLabel('Signed in');
      expect(await user.textContent()).toContain('Grace Okafor');
      expect(await user.textContent()).toContain('Agent');

      // A reload keeps the session (the cookie), and the deep link is served by the server.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: customer.name }).waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${server.baseUrl}/sign-in`);
      await page.goto(`${server.baseUrl}/customers`);
      await page.waitForURL(`${server.baseUrl}/sign-in?next=%2Fcustomers`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says so when the password is wrong, and keeps the person on the form', async () => {
    const { page, context, errors } = await openPage(server.browser);
    try {
      await page.goto(`${server.baseUrl}/sign-in`);
      await signIn(page, 'admin@demo.rapport.dev', 'not the password');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toBe('That email and password do not match an account.');
      expect(page.url()).toBe(`${server.baseUrl}/sign-in`);
      // The browser itself reports the 401 answer of the sign-in request; nothing else may fail.
      expect(errors.filter((error) => !error.includes('401'))).toEqual([]);

      await signIn(page);
      await page.waitForURL(`${server.baseUrl}/customers`);
    } finally {
      await context.close();
    }
  });

  it('shows a page for an address the app does not know, inside the signed-in shell', async () => {
    const { page, context, errors } = await openPage(server.browser);
    try {
      await page.goto(`${server.baseUrl}/no/such/page`);
      await signIn(page);
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
