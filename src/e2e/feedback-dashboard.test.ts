import { describe, expect, it } from 'vitest';
import { insertFeedbackWorld, insertResponse } from '../feedback/metrics/metrics.test-helpers.js';
import { createTenant, useTestApp } from '../test/app.js';
import { launchBrowser } from '../test/browser.js';
import { openPage, screenshot } from './e2e.test-helpers.js';

const ctx = useTestApp();

const QUOTES: Record<string, Array<[string, number]>> = {
  speed: [
    ['Sorted in five minutes, brilliant', 0.8],
    ['Quick answer on chat', 0.6],
  ],
  billing: [
    ['Charged twice and it took three calls to fix', -0.7],
    ['The bill is still confusing', -0.4],
  ],
  staff: [['Priya was patient and kind', 0.9]],
};

describe('the feedback dashboard in the browser', () => {
  it('shows scores over time, a breakdown, themes with quotes and agent scorecards, and switches survey kind', async () => {
    const tenant = await createTenant(ctx.app);
    const db = ctx.database.db;
    const w = await insertFeedbackWorld(db, tenant.workspace.id);
    const themes = Object.keys(QUOTES);
    // Eight weeks of answers: phone answers with Ann score well, email answers with Bo poorly.
    for (let i = 0; i < 48; i++) {
      const phone = i % 2 === 0;
      const theme = themes[i % themes.length] ?? 'speed';
      const [comment, sentiment] = QUOTES[theme]?.[i % (QUOTES[theme]?.length ?? 1)] ?? ['', 0];
      await insertResponse(db, w, {
        channel: phone ? 'phone' : 'email',
        agent: phone ? w.agents.ann : w.agents.bo,
        team: phone ? w.teams.care : w.teams.billing,
        segment: i % 3 === 0 ? 'gold' : 'consumer',
        nps: phone ? 8 + (i % 3) : (i % 9) + 1,
        csat: phone ? 5 - (i % 2) : 1 + (i % 4),
        ces: phone ? 6 : 2 + (i % 5),
        feelings: phone && i % 4 === 0 ? ['smart'] : [],
        answers: { feelings: [] },
        comment: i % 4 === 3 ? null : comment,
        sentiment: i % 4 === 3 ? null : sentiment,
        themes: i % 4 === 3 ? [] : [theme],
        customer: i % 6,
        answeredAt: new Date(Date.now() - (i + 1) * 28 * 3_600_000).toISOString(),
      });
    }
    await insertResponse(db, w, { kind: 'relationship', nps: 3, csat: 2, answeredAt: new Date(Date.now() - 86_400_000).toISOString() });

    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const browser = await launchBrowser();
    try {
      const { cookie } = await tenant.signInAs('analyst');
      const { page, context, errors } = await openPage(browser, undefined, { baseUrl: address, cookie });
      await page.goto(`${address}/feedback`);
      await page.getByRole('heading', { level: 1, name: 'Feedback' }).waitFor();
      const totals = page.getByRole('definition').first();
      await totals.waitFor();
      expect(await page.getByLabel('Totals for the period').textContent()).toContain('Responses48');
      expect(await page.getByRole('img', { name: /NPS by week/ }).count()).toBe(1);

      const breakdown = page.getByRole('table', { name: 'Feedback by channel' });
      expect(await breakdown.textContent()).toMatch(/phone.*email|email.*phone/);
      await page.getByRole('combobox', { name: 'By' }).selectOption('team');
      await page.getByRole('table', { name: 'Feedback by team' }).waitFor();
      expect(await page.getByRole('table', { name: 'Feedback by team' }).textContent()).toContain('Care');

      const themeList = page.getByRole('list', { name: 'Themes named in comments' });
      await themeList.waitFor();
      expect(await themeList.textContent()).toContain('Charged twice and it took three calls to fix');
      const cards = page.getByRole('table', { name: 'Agent scorecards from customer feedback' });
      expect(await cards.textContent()).toContain('Ann Agent');
      expect(await cards.textContent()).toContain('Bo Agent');
      await screenshot(page, 'feedback-dashboard.png');

      await page.getByRole('button', { name: 'Relationship' }).click();
      await page.getByText('No responses name an agent in this period.').waitFor();
      expect(await page.getByLabel('Totals for the period').textContent()).toContain('Responses1');
      expect(await page.getByLabel('Totals for the period').textContent()).toContain('−100');
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
