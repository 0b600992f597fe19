import { describe, expect, it } from 'vitest';
import { call } from '../service/service.test-helpers.js';
import { createTenant, useTestApp } from '../test/app.js';
import { createSurvey, invite, pathOf, postPage, surveyableCustomer } from './feedback.test-helpers.js';

const ctx = useTestApp();

type Page = { data: Array<{ id: string; answeredAt: string }>; nextCursor: string | null };

describe('the survey responses list', () => {
  it('pages by cursor, latest answered first, each response once, and refuses a cursor it did not make', async () => {
    const tenant = await createTenant(ctx.app);
    const survey = await createSurvey(tenant);
    for (const [i, name] of ['Ann Able', 'Ben Baker', 'Cat Cole', 'Dan Dale', 'Eve Ede'].entries()) {
      const invitation = await invite(tenant, survey.id, { customerId: await surveyableCustomer(ctx.app, tenant, name) });
      const posted = await postPage(ctx.app, pathOf(invitation.link), [
        ['page', '1'],
        ['q_nps', String(5 + i)],
      ]);
      expect(posted.statusCode).toBe(303);
    }

    const whole = await call<Page>(tenant, '/survey-responses', undefined, 200);
    expect(whole.data).toHaveLength(5);
    expect(whole.nextCursor).toBeNull();
    const times = whole.data.map((r) => r.answeredAt);
    expect([...times].sort().reverse()).toEqual(times);

    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page: Page = await call<Page>(tenant, `/survey-responses?limit=2${before ? `&before=${before}` : ''}`, undefined, 200);
      seen.push(...page.data.map((r) => r.id));
      before = page.nextCursor;
      pages++;
    } while (before && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(whole.data.map((r) => r.id));

    // The cursor narrows the same filters the first page used.
    const first = await call<Page>(tenant, `/survey-responses?surveyId=${survey.id}&limit=4`, undefined, 200);
    const rest = await call<Page>(tenant, `/survey-responses?surveyId=${survey.id}&limit=4&before=${first.nextCursor}`, undefined, 200);
    expect([...first.data, ...rest.data].map((r) => r.id)).toEqual(seen);
    expect(rest.nextCursor).toBeNull();

    for (const cursor of ['not-a-cursor', Buffer.from('["yesterday","rsp_1"]').toString('base64url')]) {
      const refused = await tenant.api({ url: `/api/v1/survey-responses?before=${cursor}` });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.issues).toEqual([expect.objectContaining({ path: '/before' })]);
    }
  });
});
