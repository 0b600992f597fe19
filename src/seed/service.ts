import type { Kysely } from 'kysely';
import { systemActor, type Actor } from '../auth/actor.js';
import type { Channel } from '../service/tables.js';
import type { DB } from '../db/schema.js';
import { actOnCase, openCase } from '../service/cases.js';
import { grantGesture, setGoodwillBudget } from '../service/goodwill.js';
import { recordInteraction } from '../service/interactions.js';
import { createSlaPolicy } from '../service/sla.js';
import { createJob, createTeam } from '../service/teams.js';
import type { Random } from './random.js';

// The demo's service history, written through the service functions themselves: quick
// "replace lost SIM" jobs done in one short web visit, slow billing disputes that take
// several contacts, a transfer and sometimes a reopening, plan changes by chat, and a few
// live cases so the inbox has work, some close to breaching.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UK_HOLIDAYS = [
  '2025-12-25',
  '2025-12-26',
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
];

// Enough for every story and a dashboard with shape; kept small so seeding stays quick.
const STORIES = 24;

export async function seedService(db: Kysely<DB>, workspaceId: string, random: Random, now = Date.now()): Promise<Record<string, number>> {
  const actor: Actor = systemActor(workspaceId, 'seed');
  const staff = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'memberships.role'])
    .where('memberships.workspace_id', '=', workspaceId)
    .execute();
  const byRole = (role: string) => staff.filter((s) => s.role === role).map((s) => s.id);
  const agents = byRole('agent');
  const lead = byRole('lead')[0] ?? null;
  if (agents.length === 0) return {};
  const [grace = agents[0] as string, liam = agents[0] as string] = agents;

  const care = await createTeam(db, actor, { name: 'Customer care', leadId: lead, memberIds: agents });
  const billing = await createTeam(db, actor, { name: 'Billing', leadId: lead, memberIds: [liam] });
  const jobs = [
    'replace-lost-sim:Replace lost SIM',
    'change-plan:Change plan',
    'billing-dispute:Billing dispute',
    'broadband-fault:Broadband fault',
  ];
  for (const job of jobs) {
    const [code = '', name = ''] = job.split(':');
    await createJob(db, actor, { code, name });
  }
  await createSlaPolicy(db, actor, {
    name: 'UK contact centre',
    timeZone: 'Europe/London',
    workingHours: [...[1, 2, 3, 4, 5].map((day) => ({ day, start: '08:00', end: '20:00' })), { day: 6, start: '09:00', end: '17:00' }],
    holidays: UK_HOLIDAYS,
    targets: [
      { firstResponseMinutes: 240, resolutionMinutes: 1440 },
      { channel: 'chat', firstResponseMinutes: 5, resolutionMinutes: 240 },
      { priority: 'urgent', firstResponseMinutes: 15, resolutionMinutes: 240 },
    ],
    isDefault: true,
  });
  await setGoodwillBudget(db, actor, 'agent', { amountMinor: 2500, currency: 'GBP' });
  await setGoodwillBudget(db, actor, 'lead', { amountMinor: 20_000, currency: 'GBP' });

  // By billing account, not by id: ids are random within a millisecond, and the same random seed must give the same demo.
  const customers = await db
    .selectFrom('customers as c')
    .innerJoin('customer_identities as i', (join) =>
      join
        .onRef('i.workspace_id', '=', 'c.workspace_id')
        .onRef('i.customer_id', '=', 'c.id')
        .on('i.kind', '=', 'external')
        .on('i.namespace', '=', 'billing'),
    )
    .select('c.id')
    .where('c.workspace_id', '=', workspaceId)
    .orderBy('i.value')
    .limit(STORIES)
    .execute();
  const mobile = await db.selectFrom('product_lines').select('id').where('workspace_id', '=', workspaceId).orderBy('code').execute();
  const line = mobile[0]?.id ?? null;
  const counts = { cases: 0, interactions: 0, goodwill_gestures: 0 };
  const iso = (ms: number) => new Date(ms).toISOString();
  const contact = async (
    customerId: string,
    caseId: string,
    channel: Channel,
    direction: 'inbound' | 'outbound',
    at: number,
    minutes: number,
    agentId: string | null,
    note: string,
  ) => {
    await recordInteraction(
      db,
      workspaceId,
      { customerId, caseId, channel, direction, agentId, startedAt: iso(at), endedAt: iso(at + minutes * MINUTE), outcome: null, note },
      actor,
    );
    counts.interactions++;
  };

  for (const [i, { id: customerId }] of customers.entries()) {
    const story =
      i === 0
        ? 'sim'
        : i === 1
          ? 'dispute'
          : random.weighted([
              ['sim', 4],
              ['dispute', 2],
              ['plan', 3],
              ['live', 1],
            ] as const);
    // Stories start within the last 80 days; a dispute early enough to have run its course.
    const start = now - random.int(story === 'dispute' ? 12 : 3, 80) * DAY - random.int(0, 8) * HOUR;
    if (story === 'sim') {
      const c = await openCase(
        db,
        actor,
        {
          customerId,
          subject: 'Lost my SIM',
          channel: 'web',
          jobId: 'replace-lost-sim',
          productLineId: line,
          teamId: care.id,
          openedAt: iso(start),
        },
        new Date(now),
      );
      await contact(customerId, c.id, 'web', 'inbound', start, random.int(2, 4), null, 'Ordered a replacement SIM online; old SIM blocked');
      await actOnCase(db, actor, c.id, 'resolve', { at: iso(start + 5 * MINUTE) }, new Date(now));
    } else if (story === 'dispute') {
      const c = await openCase(
        db,
        actor,
        {
          customerId,
          subject: 'Charged twice for roaming',
          channel: 'phone',
          priority: 'high',
          jobId: 'billing-dispute',
          productLineId: line,
          teamId: care.id,
          agentId: grace,
          openedAt: iso(start),
          complaintCategory: 'billing',
        },
        new Date(now),
      );
      await contact(
        customerId,
        c.id,
        'phone',
        'inbound',
        start,
        random.int(8, 20),
        grace,
        'Disputes a roaming charge; needs billing to check',
      );
      await actOnCase(
        db,
        actor,
        c.id,
        'assign',
        { agentId: liam, teamId: billing.id, at: iso(start + 30 * MINUTE), note: 'Needs billing' },
        new Date(now),
      );
      await contact(customerId, c.id, 'email', 'outbound', start + DAY + 2 * HOUR, 5, liam, 'Asked for the dates of travel');
      await actOnCase(db, actor, c.id, 'pending', { at: iso(start + DAY + 3 * HOUR) }, new Date(now));
      await contact(
        customerId,
        c.id,
        'chat',
        'inbound',
        start + 3 * DAY,
        random.int(6, 15),
        liam,
        'Sent travel dates; asked why it takes so long',
      );
      await actOnCase(db, actor, c.id, 'respond', { at: iso(start + 3 * DAY + 20 * MINUTE) }, new Date(now));
      await grantGesture(
        db,
        actor,
        { customerId, caseId: c.id, kind: 'credit', value: { amountMinor: 1500, currency: 'GBP' }, reason: 'Roaming charged twice' },
        new Date(start + 3 * DAY + HOUR),
      );
      counts.goodwill_gestures++;
      await actOnCase(db, actor, c.id, 'resolve', { at: iso(start + random.int(4, 7) * DAY) }, new Date(now));
      if (random.chance(0.4)) {
        // The customer has to come back: the case reopens, and is settled the next day.
        await contact(customerId, c.id, 'phone', 'inbound', start + 8 * DAY, 12, grace, 'Credit not on the new bill');
        await actOnCase(db, actor, c.id, 'resolve', { at: iso(start + 9 * DAY) }, new Date(now));
      }
    } else if (story === 'plan') {
      const channel = random.pick(['chat', 'app'] as const);
      const c = await openCase(
        db,
        actor,
        {
          customerId,
          subject: 'Wants more data',
          channel,
          jobId: 'change-plan',
          productLineId: line,
          teamId: care.id,
          agentId: grace,
          openedAt: iso(start),
        },
        new Date(now),
      );
      await contact(customerId, c.id, channel, 'inbound', start, random.int(3, 9), grace, 'Moved to a bigger data plan');
      if (random.chance(0.4))
        await contact(customerId, c.id, 'email', 'outbound', start + 2 * HOUR, 2, grace, 'Confirmation of the new plan');
      await actOnCase(db, actor, c.id, 'resolve', { at: iso(start + 3 * HOUR) }, new Date(now));
    } else {
      // Live work for the inbox: opened in the last few hours, not answered yet.
      const opened = now - random.int(10, 200) * MINUTE;
      const c = await openCase(
        db,
        actor,
        {
          customerId,
          subject: 'Broadband keeps dropping',
          channel: random.pick(['email', 'chat', 'phone'] as const),
          jobId: 'broadband-fault',
          teamId: care.id,
          agentId: random.pick([grace, liam]),
          openedAt: iso(opened),
        },
        new Date(now),
      );
      await contact(customerId, c.id, 'email', 'inbound', opened, 1, null, 'Connection drops every evening');
    }
    counts.cases++;
  }
  return counts;
}
