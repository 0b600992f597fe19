import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../db/database.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, seedDemo, type SeedResult } from '../seed/seed.js';
import { buildTestApp } from '../test/app.js';
import { launchBrowser } from '../test/browser.js';
import { openTestDatabase } from '../test/database.js';

/** Screenshots and other things a person may want to look at after a run (gitignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts', import.meta.url));

export interface SeededServer {
  /** http://127.0.0.1:<port> of the real server. */
  baseUrl: string;
  app: FastifyInstance;
  database: Database;
  seeded: SeedResult;
  browser: Browser;
}

/**
 * For one test file: the real server (buildApp, listening on a free port) over a fresh
 * database seeded with a small demo workspace, and headless Chromium. Closed afterwards.
 */
export function useSeededServer(size = 60): SeededServer {
  const context = {} as SeededServer;
  beforeAll(async () => {
    context.database = await openTestDatabase();
    context.seeded = await seedDemo(context.database, { size });
    context.app = await buildTestApp(context.database);
    const address = await context.app.listen({ port: 0, host: '127.0.0.1' });
    context.baseUrl = address;
    context.browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await context.browser?.close();
    await context.app?.close();
    await context.database?.close();
  });
  return context;
}

/** Collects the page's console errors and uncaught exceptions from now on (a test expects none). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/** A browser for one test file, on that file's test app (useTestApp), which listens on a free port. */
export interface BrowserOnApp {
  browser: Browser;
  /** http://127.0.0.1:<port> of the app. */
  baseUrl: string;
}

/** Makes the test app listen on a free port and launches headless Chromium for the file; the browser is closed afterwards (the app by useTestApp). */
export function useBrowserOnTestApp(ctx: { app: FastifyInstance }): BrowserOnApp {
  const context = {} as BrowserOnApp;
  beforeAll(async () => {
    context.baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    context.browser = await launchBrowser();
  });
  afterAll(async () => {
    await context.browser?.close();
  });
  return context;
}

/**
 * A page in a fresh browser context, recording every console error and uncaught exception.
 * With `session` it is signed in: the cookie (`name=value`, as a sign-in answers it) is set for
 * the base URL, which relative navigations then use.
 */
export async function openPage(
  browser: Browser,
  viewport = { width: 1366, height: 900 },
  session?: { baseUrl: string; cookie: string },
): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ viewport, ...(session ? { baseURL: session.baseUrl } : {}) });
  if (session) {
    const [name, value = ''] = session.cookie.split('=');
    await context.addCookies([{ name: name || 'rapport_session', value, url: session.baseUrl }]);
  }
  const page = await context.newPage();
  return { page, context, errors: watchErrors(page) };
}

/** Fills in and sends the sign-in form, as the demo admin unless told otherwise. */
export async function signIn(page: Page, email = DEMO_ADMIN_EMAIL, password = DEMO_PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface HouseholdCustomer {
  id: string;
  name: string;
  productLines: string[];
  household: string;
  other: { id: string; name: string };
}

/** A seeded customer who holds products of two lines and shares a household with someone else. */
export async function findHouseholdCustomer(database: Database, workspaceId: string): Promise<HouseholdCustomer> {
  const { rows } = await sql<{ id: string; name: string; lines: string[]; household: string; other_id: string; other_name: string }>`
    select c.id, c.display_name as name, array_agg(distinct pl.name order by pl.name) as lines, hh.name as household,
      (array_agg(oc.id order by oc.id))[1] as other_id, (array_agg(oc.display_name order by oc.id))[1] as other_name
    from customers c
    join holdings h on h.workspace_id = c.workspace_id and h.customer_id = c.id
    join products p on p.workspace_id = h.workspace_id and p.id = h.product_id
    join product_lines pl on pl.workspace_id = p.workspace_id and pl.id = p.product_line_id
    join household_members m on m.workspace_id = c.workspace_id and m.customer_id = c.id
    join households hh on hh.workspace_id = m.workspace_id and hh.id = m.household_id
    join household_members o on o.workspace_id = m.workspace_id and o.household_id = m.household_id and o.customer_id <> c.id
    join customers oc on oc.workspace_id = o.workspace_id and oc.id = o.customer_id
    where c.workspace_id = ${workspaceId}
    group by c.id, c.display_name, hh.name
    having count(distinct pl.id) >= 2
    order by c.display_name, c.id
    limit 1`.execute(database.db);
  const row = rows[0];
  if (!row) throw new Error('the seed made no customer with two product lines in a household; raise the seed size');
  return {
    id: row.id,
    name: row.name,
    productLines: row.lines,
    household: row.household,
    other: { id: row.other_id, name: row.other_name },
  };
}
