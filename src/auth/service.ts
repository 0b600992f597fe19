import type { Kysely } from 'kysely';
import type { ApiKeyKind } from './tables.js';
import type { DB } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { toIso, toIsoOrNull } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import { findMembership, memberRolesQuery } from '../workspaces/service.js';
import type { Actor } from './actor.js';
import { hashToken, newToken, verifyPassword } from './secrets.js';
import { findUserByEmail } from './users.js';

export const SESSION_COOKIE = 'rapport_session';

// A well-formed hash to compare against when the email is unknown, so that a wrong
// email and a wrong password take the same time.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + Buffer.alloc(64).toString('base64');

export interface SignedIn {
  token: string;
  expiresAt: Date;
  actor: Extract<Actor, { kind: 'user' }>;
}

/**
 * Checks a password and opens a session in the requested workspace (or the person's
 * first one). The token is returned once; only its hash is stored.
 */
export async function signIn(
  db: Kysely<DB>,
  input: { email: string; password: string; workspace?: string | undefined; ttlHours: number },
): Promise<SignedIn> {
  const email = input.email.trim().toLowerCase();
  const user = await findUserByEmail(db, email);
  const ok = await verifyPassword(input.password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !ok) throw new AppError('unauthenticated', 'The email or password is wrong');
  const membership = await findMembership(db, user.id, input.workspace);
  if (!membership) throw new AppError('forbidden', 'This account is not a member of that workspace');
  // Expired sessions of this person go as a new one starts, so the table does not grow forever.
  await db.deleteFrom('sessions').where('user_id', '=', user.id).where('expires_at', '<=', new Date()).execute();
  const token = newToken('rs_');
  const expiresAt = new Date(Date.now() + input.ttlHours * 3600_000);
  await db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: user.id, workspace_id: membership.workspaceId, expires_at: expiresAt })
    .execute();
  return {
    token,
    expiresAt,
    actor: {
      kind: 'user',
      workspaceId: membership.workspaceId,
      userId: user.id,
      role: membership.role,
      name: user.name,
      email: user.email,
    },
  };
}

export async function signOut(db: Kysely<DB>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

/** The user behind a session cookie, or undefined when it is unknown or expired. */
export async function resolveSession(db: Kysely<DB>, token: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin(memberRolesQuery(db).as('memberships'), (join) =>
      join.onRef('memberships.user_id', '=', 'sessions.user_id').onRef('memberships.workspace_id', '=', 'sessions.workspace_id'),
    )
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.workspace_id', 'sessions.user_id', 'sessions.expires_at', 'memberships.role', 'users.name', 'users.email'])
    .where('sessions.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() <= Date.now()) return undefined;
  return { kind: 'user', workspaceId: row.workspace_id, userId: row.user_id, role: row.role, name: row.name, email: row.email };
}

export interface ApiKey {
  id: string;
  kind: ApiKeyKind;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const KEY_PREFIX: Record<ApiKeyKind, string> = { secret: 'rk_secret_', write: 'rk_write_' };

/** Creates a key; the plaintext is in the result once and never stored. */
export async function createApiKey(
  db: Kysely<DB>,
  actor: Actor,
  input: { kind: ApiKeyKind; name: string },
): Promise<{ key: string; apiKey: ApiKey }> {
  const key = newToken(KEY_PREFIX[input.kind]);
  const row = await db
    .insertInto('api_keys')
    .values({
      workspace_id: actor.workspaceId,
      id: newId('key'),
      kind: input.kind,
      name: input.name.trim() || `${input.kind} key`,
      key_hash: hashToken(key),
      key_prefix: key.slice(0, KEY_PREFIX[input.kind].length + 4),
      created_by: actor.kind === 'user' ? actor.userId : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: 'api_key.created',
    entityType: 'api_key',
    entityId: row.id,
    changes: { kind: row.kind, name: row.name },
  });
  return { key, apiKey: toApiKey(row) };
}

function toApiKey(row: {
  id: string;
  kind: ApiKeyKind;
  name: string;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKey {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    prefix: row.key_prefix,
    createdAt: toIso(row.created_at),
    lastUsedAt: toIsoOrNull(row.last_used_at),
    revokedAt: toIsoOrNull(row.revoked_at),
  };
}

export async function listApiKeys(db: Kysely<DB>, workspaceId: string): Promise<ApiKey[]> {
  const rows = await db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at', 'desc').execute();
  return rows.map(toApiKey);
}

export async function revokeApiKey(db: Kysely<DB>, actor: Actor, keyId: string): Promise<ApiKey> {
  const row = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('Active API key', keyId);
  await recordAudit(db, actor, { action: 'api_key.revoked', entityType: 'api_key', entityId: keyId });
  return toApiKey(row);
}

/** How stale `last_used_at` may get before a request refreshes it: one write per key per minute at most. */
const LAST_USED_PRECISION_MS = 60_000;

/** The workspace and kind behind a presented key, or undefined when unknown or revoked. */
export async function resolveApiKey(db: Kysely<DB>, key: string): Promise<Extract<Actor, { kind: 'api_key' }> | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select(['workspace_id', 'id', 'kind', 'last_used_at'])
    .where('key_hash', '=', hashToken(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = new Date();
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > LAST_USED_PRECISION_MS) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.id)
      .execute();
  }
  return { kind: 'api_key', workspaceId: row.workspace_id, keyId: row.id, keyKind: row.kind };
}
