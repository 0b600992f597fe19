import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp } from '../test/app.js';
import { call, createCustomer } from './service.test-helpers.js';

// Cases and interactions page by cursor like every list that grows: `limit`, then the
// `nextCursor` of one page as `before` for the next, until `nextCursor` is null.

const ctx = useTestApp();

interface Page {
  data: { id: string }[];
  nextCursor: string | null;
}

async function pageThrough(tenant: Awaited<ReturnType<typeof createTenant>>, url: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let before: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const separator = url.includes('?') ? '&' : '?';
    const page: Page = await call<Page>(tenant, `${url}${separator}limit=${limit}${before ? `&before=${before}` : ''}`, undefined, 200);
    ids.push(...page.data.map((row) => row.id));
    if (page.nextCursor === null) return ids;
    before = page.nextCursor;
  }
  throw new Error('paging did not end');
}

describe('paging by cursor', () => {
  it('pages through the case inbox in its order, every case exactly once, ties and cases without deadlines included', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await createCustomer(tenant, 'Paige Turner');
    // Two cases opened before any SLA policy exists have no deadline: they come last.
    for (const subject of ['No deadline A', 'No deadline B']) {
      await call(tenant, '/cases', { customerId: customer, subject, channel: 'phone', openedAt: '2026-05-04T08:00:00Z' }, 201);
    }
    const allWeek = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '23:59' }));
    const policy = {
      name: 'Always',
      timeZone: 'UTC',
      workingHours: allWeek,
      targets: [{ firstResponseMinutes: 60, resolutionMinutes: 480 }],
    };
    await call(tenant, '/sla-policies', { ...policy, isDefault: true }, 201);
    // Several cases opened at the same instant share their deadlines: only the id breaks the tie.
    for (let i = 0; i < 7; i++) {
      const at = i < 4 ? '2026-05-04T10:00:00Z' : `2026-05-04T1${i}:00:00Z`;
      await call(tenant, '/cases', { customerId: customer, subject: `Case ${i}`, channel: 'email', openedAt: at }, 201);
    }
    const whole = await call<Page>(tenant, '/cases?limit=200', undefined, 200);
    expect(whole.data).toHaveLength(9);
    expect(whole.nextCursor).toBeNull();
    for (const limit of [1, 2, 3]) {
      expect(await pageThrough(tenant, '/cases', limit)).toEqual(whole.data.map((row) => row.id));
    }
  });

  it('pages through a customer’s interactions newest first, every one exactly once', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await createCustomer(tenant, 'Rhea Ding');
    for (let i = 0; i < 5; i++) {
      const startedAt = i < 3 ? '2026-05-04T09:00:00Z' : `2026-05-0${i + 2}T09:00:00Z`;
      await call(tenant, '/interactions', { customerId: customer, channel: 'phone', direction: 'inbound', startedAt }, 201);
    }
    const whole = await call<Page>(tenant, `/interactions?customerId=${customer}&limit=200`, undefined, 200);
    expect(whole.data).toHaveLength(5);
    for (const limit of [1, 2, 4]) {
      expect(await pageThrough(tenant, `/interactions?customerId=${customer}`, limit)).toEqual(whole.data.map((row) => row.id));
    }
  });

  it('answers a cursor that is not one with 400 naming the parameter', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await createCustomer(tenant, 'Cy Pher');
    const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const notCursors = [
      'bm9wZQ',
      forged(['2026-02-31T10:00:00.000000Z', 'int_1']), // no 31 February
      forged(['2026-05-04T10:00:00.000000Z', 'int_\u0000']), // a NUL in the id
      forged([null, '2026-02-30T10:00:00.000000Z', 'cas_1']),
    ];
    const urls = notCursors.flatMap((c) => [`/cases?before=${c}`, `/interactions?customerId=${customer}&before=${c}`]);
    for (const url of urls) {
      const response = await tenant.api({ method: 'GET', url: `/api/v1${url}` });
      expect(response.statusCode).toBe(400);
      expect(JSON.stringify(response.json())).toContain('/before');
    }
  });
});
