-- ─── Messages: sample data declared with each template ──────────────────────────
-- The values a template's preview reads as data.* (a link, an amount, a plan name), written
-- with the template so its preview works as soon as it is opened. Example values a person
-- types, never a customer's data. Empty for a template stored before this column; the API
-- completes a template's sample data with a placeholder for each data.* name it reads and
-- does not declare (src/messages/sample-data.ts).
alter table message_templates add column sample_data jsonb not null default '{}'::jsonb;
