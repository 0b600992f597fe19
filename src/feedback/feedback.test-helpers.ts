import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { TestTenant } from '../test/app.js';
import { insertMessageCustomer } from '../test/messages.js';

// Helpers the feedback tests share.

export const NPS_SURVEY = {
  name: 'After your call',
  kind: 'interaction',
  definition: {
    defaultLanguage: 'en',
    title: { en: 'How did we do?', pl: 'Jak nam poszło?' },
    questions: [
      {
        id: 'nps',
        type: 'nps',
        required: true,
        text: { en: 'How likely are you to recommend us to a friend?', pl: 'Jak chętnie polecił(a)by nas Pan/Pani znajomym?' },
      },
      { id: 'feel', type: 'feelings', text: { en: 'How did this make you feel?', pl: 'Jak się Pan/Pani z tym czuł(a)?' } },
      { id: 'why', type: 'text', page: 2, text: { en: 'What is the main reason for your score?', pl: 'Co jest głównym powodem oceny?' } },
      {
        id: 'topic',
        type: 'single',
        page: 2,
        text: { en: 'What was it about?', pl: 'Czego dotyczyła sprawa?' },
        choices: [
          { id: 'billing', text: { en: 'Billing', pl: 'Rachunki' } },
          { id: 'fault', text: { en: 'A fault', pl: 'Awaria' } },
        ],
      },
    ],
  },
} as const;

/** A customer with an email address, survey consent by email, a language and a segment. */
export async function surveyableCustomer(
  app: FastifyInstance,
  tenant: TestTenant,
  name: string,
  language = 'en',
  segment?: string,
): Promise<string> {
  const db = app.database.db;
  const id = await insertMessageCustomer(db, tenant.workspace.id, {
    displayName: name,
    email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
    language,
    consent: [['surveys', 'email', 'granted']],
  });
  if (segment)
    await db
      .updateTable('customers')
      .set({ traits: JSON.stringify({ firstName: name.split(' ')[0], segment }) })
      .where('id', '=', id)
      .execute();
  return id;
}

export async function createSurvey(tenant: TestTenant, body: object = NPS_SURVEY): Promise<{ id: string }> {
  const response = await tenant.api({ method: 'POST', url: '/api/v1/surveys', payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function invite(
  tenant: TestTenant,
  surveyId: string,
  payload: object,
): Promise<{ id: string; link: string; status: string; reason: string | null }> {
  const response = await tenant.api({ method: 'POST', url: `/api/v1/surveys/${surveyId}/invitations`, payload });
  expect(response.statusCode, response.body).toBe(201);
  const invitation = response.json();
  if (invitation.status === 'skipped') return { ...invitation, link: '' };
  // Staff never get the link; the tenant's secret key acts as an admin and reveals it (audited).
  const revealed = await tenant.api({ method: 'POST', url: `/api/v1/survey-invitations/${invitation.id}/link` });
  expect(revealed.statusCode, revealed.body).toBe(200);
  return { ...invitation, link: revealed.json().link };
}

/** The path of a link (`/s/…`), for app.inject. */
export const pathOf = (link: string) => new URL(link).pathname;

export async function postPage(app: FastifyInstance, path: string, fields: Array<[string, string]>) {
  return app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}
