-- ─── Messages: hand-over marking ────────────────────────────────────────────
-- While a message is `sending`: true from the claim until its worker hands it to the
-- transport (the worker commits false just before the send). A worker that dies while it
-- is still true never handed the message over, so the lease sweep queues it again instead
-- of failing it with `outcome_unknown`; only the messages in flight are left unknown.
-- False by default, so a row claimed by a worker older than this column counts as handed
-- over and is never sent twice.
alter table messages add column handover_pending boolean not null default false;
