import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { createTemplate } from '../messages/templates.js';
import type { TemplateInput } from '../messages/schemas.js';

const PLAN = '{% if holdings.size > 0 %}{{ holdings.first.plan | default: holdings.first.product }}{% else %}your plan{% endif %}';

/** Demo templates written the way a person at the company would write them, in English, Welsh and Polish. */
export const DEMO_TEMPLATES: TemplateInput[] = [
  {
    key: 'tariff_change',
    purpose: 'gift',
    language: 'en',
    subject: 'We have moved you to a cheaper plan, {{ customer.first_name }}',
    body: `Hi {{ customer.first_name }},

Looking at how you use ${PLAN}, you were paying for more than you need. We have moved you to {{ data.new_plan }}, which saves you {{ data.saving_minor | money }} a month. You do not need to do anything.

If you would rather stay as you were, just reply to this message.

Grace, {{ workspace.name }}`,
    sampleData: { new_plan: 'SIM Only 5 GB', saving_minor: 400 },
  },
  {
    key: 'tariff_change',
    purpose: 'gift',
    language: 'cy',
    subject: 'Rydyn ni wedi eich symud i gynllun rhatach, {{ customer.first_name }}',
    body: `Helo {{ customer.first_name }},

Rydyn ni wedi eich symud i {{ data.new_plan }}, sy'n arbed {{ data.saving_minor | money }} y mis i chi. Does dim angen i chi wneud dim.

Grace, {{ workspace.name }}`,
    sampleData: { new_plan: 'SIM Only 5 GB', saving_minor: 400 },
  },
  {
    key: 'goodwill_credit',
    purpose: 'gift',
    language: 'en',
    subject: 'Sorry about {{ data.reason }}, {{ customer.first_name }}',
    body: `Hi {{ customer.first_name }},

I am sorry about {{ data.reason }}. We have added {{ data.amount_minor | money }} to your account as a thank-you for your patience; it will show on your next bill.

Liam, {{ workspace.name }}`,
    sampleData: { reason: 'the outage on your line last week', amount_minor: 1500 },
  },
  {
    key: 'outage_fixed',
    purpose: 'service',
    language: 'en',
    subject: 'Your {{ data.service | default: "service" }} is working again',
    body: `Hi {{ customer.first_name }},

The fault affecting your {{ data.service | default: "service" }} has been fixed. Thank you for bearing with us. If anything still is not right, reply here and we will pick it up.

{{ workspace.name }}`,
    sampleData: { service: 'broadband' },
  },
  {
    key: 'survey_invite',
    purpose: 'survey',
    language: 'en',
    subject: 'How did we do, {{ customer.first_name }}?',
    body: `Hi {{ customer.first_name }},

You spoke to us recently. Would you tell us how it went? It takes a minute: {{ data.link }}

{{ workspace.name }}`,
    sampleData: { link: 'https://rapport.example/s/sample-link' },
  },
  {
    key: 'survey_invite',
    purpose: 'survey',
    language: 'pl',
    subject: 'Jak nam poszło, {{ customer.first_name }}?',
    body: `Dzień dobry {{ customer.first_name }},

Niedawno rozmawialiśmy. Czy zechce Pan/Pani powiedzieć nam, jak było? To zajmie minutę: {{ data.link }}

{{ workspace.name }}`,
    sampleData: { link: 'https://rapport.example/s/sample-link' },
  },
  {
    key: 'loyalty_thanks',
    purpose: 'marketing',
    language: 'en',
    subject: '{{ customer.first_name }}, thank you for staying with us',
    body: `Hi {{ customer.first_name }},

You have been with us since {{ holdings.first.since | default: "the start" }}. To say thank you, {{ data.offer }}

{{ workspace.name }}`,
    sampleData: { offer: 'your next month is on us.' },
  },
];

/** Stores the demo templates in a workspace. */
export async function seedMessageTemplates(db: Kysely<DB>, workspaceId: string): Promise<number> {
  for (const template of DEMO_TEMPLATES) await createTemplate(db, workspaceId, template);
  return DEMO_TEMPLATES.length;
}
