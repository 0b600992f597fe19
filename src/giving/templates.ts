import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ensureTemplates } from '../messages/templates.js';
import type { GivingRuleKind } from './tables.js';

// The offer each rule sends, in English. A workspace edits them in the Templates page;
// the engine only adds a missing one, never overwrites an edited one.

export const GIFT_TEMPLATE_KEYS: Record<GivingRuleKind, string> = {
  best_tariff: 'gift_best_tariff',
  fee_waiver: 'gift_fee_waiver',
  service_recovery: 'gift_service_recovery',
  thank_you: 'gift_thank_you',
};

const TEMPLATES: Array<{ key: string; subject: string; body: string }> = [
  {
    key: GIFT_TEMPLATE_KEYS.best_tariff,
    subject: 'A plan that fits you better, {{ customer.first_name }}',
    body: `Hi {{ customer.first_name }},

We looked at how you used your {{ data.current_plan }} over the last {{ data.months }} months. {{ data.new_plan }} covers what you use for less: about {{ data.monthly_saving_minor | money: data.currency }} a month, {{ data.yearly_saving_minor | money: data.currency }} a year.

Say yes and we will switch you; nothing else changes. The offer stands until {{ data.expires_on }}.

{{ workspace.name }}`,
  },
  {
    key: GIFT_TEMPLATE_KEYS.fee_waiver,
    subject: 'We are waiving your {{ data.fee }}, {{ customer.first_name }}',
    body: `Hi {{ customer.first_name }},

It was your first {{ data.fee }}, so it is on us: we will credit {{ data.value_minor | money: data.currency }} back to your account. Just accept it before {{ data.expires_on }}.

{{ workspace.name }}`,
  },
  {
    key: GIFT_TEMPLATE_KEYS.service_recovery,
    subject: 'We are sorry, {{ customer.first_name }}',
    body: `Hi {{ customer.first_name }},

We did not look after you as well as we should have{% if data.value_minor > 0 %}, and we would like to put {{ data.value_minor | money: data.currency }} back on your account{% endif %}. Thank you for telling us and for your patience.

{{ workspace.name }}`,
  },
  {
    key: GIFT_TEMPLATE_KEYS.thank_you,
    subject: 'Thank you, {{ customer.first_name }}',
    body: `Hi {{ customer.first_name }},

{{ data.title }}. Thank you for staying with us{% if data.points %}: {{ data.points }} bonus points are waiting for you{% else %}: {{ data.value_minor | money: data.currency }} is waiting for you as a credit{% endif %}. Accept it before {{ data.expires_on }}.

{{ workspace.name }}`,
  },
];

/** Adds the English offer templates a workspace does not have yet. */
export async function ensureGiftTemplates(db: Kysely<DB>, workspaceId: string): Promise<void> {
  await ensureTemplates(
    db,
    workspaceId,
    TEMPLATES.map((t) => ({ ...t, purpose: 'gift', language: 'en' })),
  );
}
