import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Page, Response } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as PERMISSIONS from '../auth/permissions.js';
import type { Role } from '../workspaces/tables.js';
import { DEMO_ADMIN_EMAIL } from '../seed/seed.js';
import { ARTIFACTS_DIR, screenshot, signIn, useSeededServer, watchErrors } from './e2e.test-helpers.js';

// Every page of the browser app, opened by every role at the three widths people use
// (desktop, tablet, phone). A page fails when it scrolls sideways, logs an error, answers
// an API call of its own with 4xx or 5xx (a 403 means the page asked for what the role may
// not see), shows a control the role may not use, shows an id where a person reads, or
// highlights more than one menu entry. Screenshots of each go to test-artifacts/every-page/.
//
// How the test knows what a control needs: a control that changes something carries
// `data-permission` naming the predicate of src/auth/permissions.ts its API call requires
// (web/src/session/permissions.ts puts it there, only when the role has it). So a visible
// control naming a permission the role lacks fails, and so does a form that changes
// something without naming one (every enabled form of the signed-in app must, except search;
// an editor shown read-only has every control disabled). The sign-in page is checked signed
// out, and an address the router does not know as well.

const WIDTHS = [1440, 820, 390] as const;
const ROLES: Array<[Role, string]> = [
  ['admin', DEMO_ADMIN_EMAIL],
  ['lead', 'lead@demo.rapport.dev'],
  ['analyst', 'analyst@demo.rapport.dev'],
  ['agent', 'agent1@demo.rapport.dev'],
];

/** Every route of the app's router: the `path:` entries of its page registry. */
function appRoutes(): string[] {
  const registry = readFileSync(new URL('../../web/src/pages.tsx', import.meta.url), 'utf8');
  return [...registry.matchAll(/\bpath: '([^']+)'/g)].map((m) => m[1] as string);
}

/** A public id as src/ids.ts makes them: a prefix, ten characters of time and sixteen random. */
const PUBLIC_ID = /\b[a-z]{2,4}_[0-9a-hjkmnp-tv-z]{26}\b/;

const server = useSeededServer(40);

/** A named customer with holdings, and a case of theirs, so the 360 and the case page have something to show. */
async function samples(): Promise<Record<string, string>> {
  const { rows } = await sql<{ customer_id: string; case_id: string }>`
    select c.id as customer_id, k.id as case_id from customers c
    join cases k on k.workspace_id = c.workspace_id and k.customer_id = c.id
    where c.workspace_id = ${server.seeded.workspace.id} and c.display_name is not null
      and exists (select 1 from holdings h where h.workspace_id = c.workspace_id and h.customer_id = c.id)
    order by k.opened_at desc, k.id limit 1`.execute(server.database.db);
  const row = rows[0];
  if (!row) throw new Error('the seed made no named customer with a case and holdings; raise the seed size');
  return { '/customers/:id': `/customers/${row.customer_id}`, '/cases/:id': `/cases/${row.case_id}` };
}

function allows(role: Role, name: string): boolean {
  const permission = (PERMISSIONS as Record<string, unknown>)[name];
  if (typeof permission !== 'function') return false;
  return (permission as PERMISSIONS.Permission)({ kind: 'user', role, workspaceId: '', userId: '', name: '', email: '' });
}

/** Waits until the page's requests are done and no loading indicator is left. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.locator('[role="status"] .spinner').first().waitFor({ state: 'detached', timeout: 15_000 });
}

interface Findings {
  scrollWidth: number;
  innerWidth: number;
  wide: string[];
  permissions: string[];
  unmarkedForms: string[];
  ids: Array<{ id: string; where: string; table: string | null }>;
  highlighted: number;
}

/**
 * What the page shows at its current width. The function runs in the browser; it reaches the
 * document through the root element it is given, as this project's type check has no DOM.
 */
async function inspect(page: Page): Promise<Findings> {
  return page.locator('html').evaluate((html, idPattern) => {
    const doc = html.ownerDocument;
    const win = doc.defaultView;
    const describe = (el: typeof html) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
    const visible = (el: typeof html) => el.checkVisibility({ visibilityProperty: true });
    const innerWidth: number = win.innerWidth;
    // The outermost elements reaching past the right edge, where the sideways scroll comes from;
    // not those inside a box that scrolls or clips them (a wide table in its .table-wrap).
    const clipped = (el: typeof html) => {
      for (let up = el.parentElement; up && up !== doc.body; up = up.parentElement) {
        if (win.getComputedStyle(up).overflowX !== 'visible') return true;
      }
      return false;
    };
    const all: Array<typeof html> = [...doc.querySelectorAll('body *')];
    const reaching = all.filter((el) => visible(el) && el.getBoundingClientRect().right > innerWidth + 1 && !clipped(el));
    const wide = reaching
      .filter((el) => !reaching.includes(el.parentElement))
      .slice(0, 5)
      .map((el) => `${describe(el)} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
    const permissions: string[] = [...doc.querySelectorAll('[data-permission]')]
      .filter(visible)
      .map((el: typeof html) => el.getAttribute('data-permission') ?? '');
    // A form a person can change something with must name the permission it needs; search and read-only forms need none.
    const unmarkedForms: string[] = [...doc.querySelectorAll('#main form')]
      .filter((form: typeof html) => visible(form) && form.getAttribute('role') !== 'search' && !form.closest('[data-permission]'))
      .filter((form: typeof html) => [...form.elements].some((el: typeof html) => !el.matches(':disabled') && !el.readOnly))
      .map(describe);
    // Ids where people read; `code` and `.mono` are ids shown on purpose, as references to quote.
    const pattern = new RegExp(idPattern);
    const ids: Array<{ id: string; where: string; table: string | null }> = [];
    const walker = doc.createTreeWalker(doc.body, win.NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !visible(parent) || parent.closest('code, .mono, script, style')) continue;
      const match = pattern.exec(node.textContent ?? '');
      if (match) ids.push({ id: match[0], where: describe(parent), table: parent.closest('table')?.caption?.textContent ?? null });
    }
    return {
      scrollWidth: doc.documentElement.scrollWidth as number,
      innerWidth,
      wide,
      permissions,
      unmarkedForms,
      ids,
      highlighted: doc.querySelectorAll('nav[aria-label="Main"] [aria-current="page"]').length as number,
    };
  }, PUBLIC_ID.source);
}

/** Renders a frame at the new size before measuring. */
async function resize(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  await page
    .locator('html')
    .evaluate(
      (html) =>
        new Promise((resolve) =>
          html.ownerDocument.defaultView.requestAnimationFrame(() => html.ownerDocument.defaultView.requestAnimationFrame(resolve)),
        ),
    );
  // A sandboxed frame (the survey preview) lays itself out in its own process, a moment later.
  if (page.frames().length > 1) await page.waitForTimeout(250);
}

const fileName = (role: string, route: string, width: number) =>
  `every-page/${role}/${route.replace(/^\//, '').replace(/[/:]+/g, '-') || 'start'}-${width}.png`;

/** What a page did wrong since it was opened: console errors and its own API calls that failed. */
function watch(page: Page): { errors: string[]; failedCalls: string[] } {
  const failedCalls: string[] = [];
  page.on('response', (response: Response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/api/') && response.status() >= 400) {
      failedCalls.push(`${response.request().method()} ${url.pathname} → ${response.status()}`);
    }
  });
  return { errors: watchErrors(page), failedCalls };
}

/** Opens one page and checks it at each width, adding what is wrong to `problems`; saves a screenshot per width. */
async function checkPage(page: Page, seen: ReturnType<typeof watch>, role: Role, route: string, path: string, problems: string[]) {
  seen.errors.length = 0;
  seen.failedCalls.length = 0;
  await resize(page, WIDTHS[0]);
  await page.goto(`${server.baseUrl}${path}`);
  await settle(page);
  for (const width of WIDTHS) {
    await resize(page, width);
    const where = `${role} ${route} at ${width} px`;
    const found = await inspect(page);
    if (found.scrollWidth > found.innerWidth) {
      problems.push(`${where}: ${found.scrollWidth - found.innerWidth} px wider than the window (${found.wide.join(', ')})`);
    }
    const forbidden = [...new Set(found.permissions.filter((name) => !allows(role, name)))];
    if (forbidden.length) problems.push(`${where}: offers controls that need ${forbidden.join(', ')}`);
    if (found.unmarkedForms.length) problems.push(`${where}: forms without data-permission: ${found.unmarkedForms.join(', ')}`);
    const ids = found.ids.slice(0, 5);
    if (ids.length) problems.push(`${where}: shows ids: ${ids.map((id) => `${id.id} in ${id.where}`).join('; ')}`);
    if (found.highlighted > 1) problems.push(`${where}: ${found.highlighted} menu entries highlighted`);
    await screenshot(page, fileName(role, route, width));
  }
  problems.push(...[...seen.errors, ...seen.failedCalls].map((e) => `${role} ${route}: ${e}`));
}

describe('every page of the app, as every role, at 1440, 820 and 390 px', () => {
  const routes = appRoutes();
  // Only this run's screenshots: one of a page that is gone must not linger.
  beforeAll(() => rmSync(join(ARTIFACTS_DIR, 'every-page'), { recursive: true, force: true }));

  it('finds the pages in the router', () => {
    expect(routes.length).toBeGreaterThan(8);
    expect(routes).toContain('/customers/:id');
  });

  for (const [role, email] of ROLES) {
    it(`opens every page as ${role} without overflow, errors, failed calls, forbidden controls or ids`, async () => {
      const paths = await samples();
      const context = await server.browser.newContext({ viewport: { width: WIDTHS[0], height: 900 } });
      const page = await context.newPage();
      const seen = watch(page);
      const problems: string[] = [];
      try {
        // Signed out: the sign-in page; then every page of the router, and one it does not know.
        await checkPage(page, seen, role, '/sign-in', '/sign-in', problems);
        await signIn(page, email);
        await page.getByLabel('Signed in').waitFor();
        for (const route of [...routes, '/no-such-page']) {
          const path = paths[route] ?? route;
          if (path.includes(':')) throw new Error(`no sample value for the parameter in ${route}; add one to samples()`);
          await checkPage(page, seen, role, route, path, problems);
        }
        // On a phone the menu is behind a button; opened, it fits too.
        await resize(page, 390);
        await page.goto(`${server.baseUrl}/customers`);
        await settle(page);
        const menu = page.getByRole('button', { name: 'Menu' });
        if ((await menu.count()) === 0) problems.push(`${role}: no menu button at 390 px`);
        else {
          await menu.click();
          await page.getByRole('navigation', { name: 'Main' }).getByRole('link').first().waitFor();
          const opened = await inspect(page);
          if (opened.scrollWidth > opened.innerWidth) problems.push(`${role}: the open menu is wider than a 390 px window`);
          await screenshot(page, `every-page/${role}/menu-open-390.png`);
        }
      } finally {
        await context.close();
      }
      expect(problems).toEqual([]);
    }, 180_000);
  }
});
