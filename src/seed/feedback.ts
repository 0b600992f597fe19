import type { Kysely } from 'kysely';
import { systemActor } from '../auth/actor.js';
import { loadConfig } from '../config.js';
import type { DB } from '../db/schema.js';
import { pickLanguage } from '../feedback/definition.js';
import { openFollowUpIfNeeded, resolveFollowUp } from '../feedback/followups.js';
import { inviteCustomer } from '../feedback/invitations.js';
import { saveAnswers, type SurveySession } from '../feedback/responses.js';
import type { Definition, SurveyInput } from '../feedback/schemas.js';
import { createSurvey, requireSurvey } from '../feedback/surveys.js';
import { isDetractor, npsClass } from '../metrics/nps.js';
import type { Random } from './random.js';

// The demo's voice of the customer, answered about the seeded service history: every
// resolved case is surveyed and most customers answer. How they score depends on what
// happened: slow resolutions, many contacts, transfers and reopenings drag NPS, CSAT and
// effort down, and their comments say why, so themes and sentiment mean something. The
// unhappy ones open follow-ups for the team lead; some are already recovered and re-surveyed.

const HOUR = 3_600_000;

const AFTER_CONTACT: SurveyInput = {
  name: 'After your contact',
  kind: 'interaction',
  status: 'active',
  trigger: { events: ['case_resolved'] },
  definition: {
    defaultLanguage: 'en',
    title: { en: 'How did we do?', pl: 'Jak nam poszło?' },
    questions: [
      {
        id: 'nps',
        type: 'nps',
        required: true,
        text: {
          en: 'How likely are you to recommend us to a friend or colleague?',
          pl: 'Jak chętnie poleciłby Pan/poleciłaby Pani nas znajomym?',
        },
      },
      {
        id: 'csat',
        type: 'csat',
        text: { en: 'How satisfied are you with how we handled it?', pl: 'Jak bardzo jest Pan/Pani zadowolony(a) z obsługi sprawy?' },
      },
      { id: 'ces', type: 'ces', text: { en: 'It was easy to get my issue sorted.', pl: 'Łatwo było załatwić moją sprawę.' } },
      { id: 'feelings', type: 'feelings', page: 2, text: { en: 'How did this make you feel?', pl: 'Jak się Pan/Pani z tym czuł(a)?' } },
      {
        id: 'why',
        type: 'text',
        page: 2,
        text: { en: 'What is the main reason for your score?', pl: 'Co jest głównym powodem Pana/Pani oceny?' },
      },
    ],
  },
};

const QUARTERLY: SurveyInput = {
  name: 'Quarterly check-in',
  kind: 'relationship',
  status: 'active',
  trigger: { cadenceDays: 90 },
  samplingRate: 0.2,
  definition: {
    defaultLanguage: 'en',
    questions: [
      {
        id: 'nps',
        type: 'nps',
        required: true,
        text: {
          en: 'How likely are you to recommend us to a friend or colleague?',
          pl: 'Jak chętnie poleciłby Pan/poleciłaby Pani nas znajomym?',
        },
      },
      { id: 'why', type: 'text', text: { en: 'Anything you would like us to know?', pl: 'Czy chce nam Pan/Pani coś przekazać?' } },
    ],
  },
};

const COMMENTS = {
  happy: [
    'Quick and friendly service, the agent sorted my new SIM in minutes.',
    'Really helpful agent, explained my new plan clearly and fixed it on the first call.',
    'Great service, the engineer was on time and the broadband has been perfect since.',
    'Easy chat and the price change was exactly what I wanted, thank you.',
  ],
  middling: [
    'Fine in the end, but I had to explain my account details twice.',
    'The agent was polite, but the wait time on the phone was long.',
    'It got sorted, though the text updates about the router were confusing.',
  ],
  unhappy: [
    'Terrible experience. I was transferred three times and nobody called me back about the billing error.',
    'Awful. The billing dispute took weeks, I had to chase every time and the refund is still wrong.',
    'Very disappointed: the broadband fault came back and I had to call again. Useless.',
    'Long wait times and a rude agent. My bill is still wrong and I am angry.',
  ],
};

/** How badly a case went, from 0 (one quick touch) upwards. */
function trouble(c: { resolution_seconds: number | null; contact_count: number; transfer_count: number; reopen_count: number }): number {
  const days = (c.resolution_seconds ?? 0) / 86_400;
  return Math.min(days, 5) * 0.6 + Math.max(0, c.contact_count - 1) * 0.9 + c.transfer_count * 1.2 + c.reopen_count * 2;
}

const clamp = (n: number, min: number, max: number) => Math.max(min, Math.min(max, Math.round(n)));

/** Links in the seeded invitations are signed as the server configured from this environment signs them. */
export async function seedFeedback(db: Kysely<DB>, workspaceId: string, random: Random): Promise<Record<string, number>> {
  const config = loadConfig();
  const afterContact = await createSurvey(db, workspaceId, AFTER_CONTACT);
  await createSurvey(db, workspaceId, QUARTERLY);
  const survey = await requireSurvey(db, workspaceId, afterContact.id);
  // The survey has been live since before the oldest seeded case.
  await db
    .updateTable('surveys')
    .set({ activated_at: new Date(Date.now() - 400 * 24 * HOUR) })
    .where('workspace_id', '=', workspaceId)
    .execute();
  const definition = survey.definition as unknown as Definition;
  const workspace = await db.selectFrom('workspaces').select('name').where('id', '=', workspaceId).executeTakeFirstOrThrow();
  // Ids are random, so the order (and with it who answers what) follows names and times:
  // the same random seed gives the same answers.
  const cases = await db
    .selectFrom('cases')
    .innerJoin('customers', (j) =>
      j.onRef('customers.workspace_id', '=', 'cases.workspace_id').onRef('customers.id', '=', 'cases.customer_id'),
    )
    .selectAll('cases')
    .where('cases.workspace_id', '=', workspaceId)
    .where('cases.resolved_at', 'is not', null)
    .orderBy('cases.resolved_at')
    .orderBy('cases.opened_at')
    .orderBy('customers.display_name')
    .orderBy('cases.subject')
    .execute();
  const counts = { survey_invitations: 0, survey_responses: 0, survey_followups: 0 };
  const followUps: Array<{ caseId: string; at: Date }> = [];
  for (const c of cases) {
    const resolvedAt = c.resolved_at as Date;
    const invitedAt = new Date(resolvedAt.getTime() + HOUR);
    const invitation = await inviteCustomer(
      db,
      config,
      survey,
      c.customer_id,
      { key: `case:${c.id}`, caseId: c.id },
      { now: invitedAt, ignoreContactFrequency: true },
    );
    counts.survey_invitations++;
    if (invitation.status !== 'sent' || !random.chance(0.75)) continue;
    const customer = await db
      .selectFrom('customers')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', c.customer_id)
      .executeTakeFirstOrThrow();
    const session: SurveySession = {
      invitation,
      survey,
      definition,
      customer,
      companyName: workspace.name,
      language: pickLanguage(definition, customer.language),
      response: undefined,
    };
    const t = trouble(c);
    const nps = clamp(9.6 - t * 1.4 + (random.next() - 0.5) * 2.5, 0, 10);
    const csat = clamp(4.8 - t * 0.6 + (random.next() - 0.5), 1, 5);
    const ces = clamp(6.6 - t * 0.8 + (random.next() - 0.5) * 1.5, 1, 7);
    const mood = ({ promoter: 'happy', passive: 'middling', detractor: 'unhappy' } as const)[npsClass(nps)];
    const feelings = mood === 'happy' ? [random.pick(['smart', 'safe', 'successful', 'special'] as const)] : [];
    const answeredAt = new Date(invitedAt.getTime() + random.int(1, 30) * HOUR);
    await saveAnswers(db, session, 1, { q_nps: [String(nps)], q_csat: [String(csat)], q_ces: [String(ces)] }, answeredAt);
    // English speakers mostly say why; the model reads English only, so others leave scores.
    const comment = session.language.startsWith('en') && random.chance(0.8) ? random.pick(COMMENTS[mood]) : '';
    const saved = await saveAnswers(
      db,
      { ...session, response: undefined },
      2,
      { q_feelings: feelings, q_why: comment ? [comment] : [] },
      new Date(answeredAt.getTime() + 2 * 60_000),
    );
    counts.survey_responses++;
    if (saved.response) {
      const followUp = await openFollowUpIfNeeded(db, config.feedback, saved.response, saved.response.answered_at);
      if (followUp) {
        counts.survey_followups++;
        followUps.push({ caseId: followUp, at: saved.response.answered_at });
      }
    }
  }
  // All but the two newest follow-ups are done: the lead called, and most customers now score higher.
  const actor = systemActor(workspaceId, 'seed');
  for (const [index, { caseId, at }] of followUps.slice(0, Math.max(1, followUps.length - 2)).entries()) {
    const done = new Date(at.getTime() + 20 * HOUR);
    if (done.getTime() > Date.now()) continue;
    const resolved = await resolveFollowUp(
      db,
      actor,
      config,
      caseId,
      {
        outcome: random.pick([
          'Called back, apologised and credited the overcharge.',
          'Rang the customer, booked an engineer and waived the fee.',
          'Called, explained the bill line by line and fixed the error.',
        ]),
      },
      done,
    );
    const invitation = await db
      .selectFrom('survey_invitations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', resolved.resurvey?.invitationId ?? '')
      .executeTakeFirst();
    const answeredAt = new Date(done.getTime() + 26 * HOUR);
    if (!invitation || invitation.status !== 'sent' || answeredAt.getTime() > Date.now() || (index > 0 && !random.chance(0.8))) continue;
    const resurvey = await requireSurvey(db, workspaceId, invitation.survey_id);
    const customer = await db
      .selectFrom('customers')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', invitation.customer_id)
      .executeTakeFirstOrThrow();
    const resurveyDefinition = resurvey.definition as unknown as Definition;
    const session: SurveySession = {
      invitation,
      survey: resurvey,
      definition: resurveyDefinition,
      customer,
      companyName: workspace.name,
      language: pickLanguage(resurveyDefinition, customer.language),
      response: undefined,
    };
    const nps = clamp(
      random.weighted([
        [8, 4],
        [9, 3],
        [6, 2],
        [4, 1],
      ] as const),
      0,
      10,
    );
    const comment = isDetractor(nps)
      ? 'The call back was polite but the problem is still not fixed.'
      : 'Thank you for calling back and putting it right, much better now.';
    await saveAnswers(db, session, 1, { q_nps: [String(nps)], q_why: [comment] }, answeredAt);
    counts.survey_responses++;
  }
  return counts;
}
