import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

// A survey link is `/s/<workspace>.<invitation>.<expiry>.<signature>`. The signature is an
// HMAC over those and a random nonce kept on the invitation, so a link can be neither
// guessed from ids nor bent to another invitation, customer or workspace, and it dies at
// its expiry. Nothing in it is personal.

const SECRET_NAME = 'survey_links';
const secrets = new WeakMap<Kysely<DB>, Promise<string>>();

/** The configured secret, or the one generated on first use and kept in the database. */
export function linkSecret(db: Kysely<DB>, configured: string | undefined): Promise<string> {
  if (configured) return Promise.resolve(configured);
  let secret = secrets.get(db);
  if (!secret) {
    secret = (async () => {
      await db
        .insertInto('feedback_server_secrets')
        .values({ name: SECRET_NAME, value: randomBytes(32).toString('base64url') })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await db.selectFrom('feedback_server_secrets').select('value').where('name', '=', SECRET_NAME).executeTakeFirstOrThrow();
      return row.value;
    })();
    secret.catch(() => secrets.delete(db));
    secrets.set(db, secret);
  }
  return secret;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

interface LinkParts {
  workspaceId: string;
  invitationId: string;
  nonce: string;
  expiresAt: Date;
}

function signature(secret: string, parts: LinkParts): string {
  const seconds = Math.floor(parts.expiresAt.getTime() / 1000);
  return createHmac('sha256', secret)
    .update(`${parts.workspaceId}|${parts.invitationId}|${parts.nonce}|${seconds}`)
    .digest('base64url')
    .slice(0, 32);
}

export function signLinkToken(secret: string, parts: LinkParts): string {
  const seconds = Math.floor(parts.expiresAt.getTime() / 1000);
  return `${parts.workspaceId}.${parts.invitationId}.${seconds.toString(36)}.${signature(secret, parts)}`;
}

export interface ParsedToken {
  workspaceId: string;
  invitationId: string;
  expiresAt: Date;
  signature: string;
}

/** Splits a token; null when it is not shaped like one. */
export function parseLinkToken(token: string): ParsedToken | null {
  const parts = token.split('.');
  if (parts.length !== 4) return null;
  const [workspaceId, invitationId, expiry, sig] = parts as [string, string, string, string];
  if (!/^ws_[0-9a-z]+$/.test(workspaceId) || !/^inv_[0-9a-z]+$/.test(invitationId) || !/^[0-9a-z]{1,12}$/.test(expiry)) return null;
  if (!/^[A-Za-z0-9_-]{32}$/.test(sig)) return null;
  return { workspaceId, invitationId, expiresAt: new Date(parseInt(expiry, 36) * 1000), signature: sig };
}

/** Whether the token's signature is the one for this invitation's nonce (constant time). */
export function signatureMatches(secret: string, token: ParsedToken, nonce: string): boolean {
  const expected = Buffer.from(signature(secret, { ...token, nonce }));
  const given = Buffer.from(token.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function surveyLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/s/${token}`;
}
