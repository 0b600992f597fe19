import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { resolveApiKey } from '../auth/service.js';
import type { DB } from '../db/schema.js';

type KeyActor = Extract<Actor, { kind: 'api_key' }>;

/** How long a key stays trusted without asking the database: a revoked key stops working within this. */
const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/**
 * Write keys seen recently, by the SHA-256 of the key (the plaintext is not kept), so that
 * the event path asks the database about a key at most once per TTL. Unknown keys are
 * remembered too, briefly, so a misconfigured client cannot turn every request into a lookup.
 */
export function createWriteKeyCache(now: () => number = Date.now) {
  const entries = new Map<string, { actor: KeyActor | null; expires: number }>();
  return async function resolveWriteKey(db: Kysely<DB>, key: string): Promise<KeyActor | null> {
    const hash = createHash('sha256').update(key).digest('hex');
    const hit = entries.get(hash);
    if (hit && hit.expires > now()) return hit.actor;
    const actor = (await resolveApiKey(db, key)) ?? null;
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(hash, { actor, expires: now() + (actor ? TTL_MS : TTL_MS / 5) });
    return actor;
  };
}

export type WriteKeyResolver = ReturnType<typeof createWriteKeyCache>;
