import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { createUser, findUserByEmail, userProfilesQuery } from '../auth/users.js';
import type { DB } from '../db/schema.js';
import type { Role } from './tables.js';
import { AppError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { normalizeEmail } from '../customers/normalize.js';
import { toIso } from '../time.js';
import { recordAudit } from './audit.js';

export interface Workspace {
  id: string;
  name: string;
  slug: string;
  defaultCountry: string;
  defaultCurrency: string;
  createdAt: string;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

export async function createWorkspace(
  db: Kysely<DB>,
  input: { name: string; slug?: string | undefined; defaultCountry?: string | undefined; defaultCurrency?: string | undefined },
): Promise<Workspace> {
  const name = input.name.trim();
  if (!name) throw invalid('/name', 'must not be empty');
  const slug = input.slug ?? (slugify(name) || 'workspace');
  if (!SLUG.test(slug)) throw invalid('/slug', 'must be 2–63 lower-case letters, digits or hyphens');
  const country = (input.defaultCountry ?? 'GB').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw invalid('/defaultCountry', 'must be an ISO 3166 alpha-2 code such as GB');
  const currency = (input.defaultCurrency ?? 'GBP').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw invalid('/defaultCurrency', 'must be an ISO 4217 code such as GBP');
  const existing = await db.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst();
  if (existing) throw new AppError('conflict', `A workspace with slug "${slug}" already exists`);
  const row = await db
    .insertInto('workspaces')
    .values({ id: newId('ws'), name, slug, default_country: country, default_currency: currency })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWorkspace(row);
}

function toWorkspace(row: {
  id: string;
  name: string;
  slug: string;
  default_country: string;
  default_currency: string;
  created_at: Date;
}): Workspace {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    defaultCountry: row.default_country,
    defaultCurrency: row.default_currency,
    createdAt: toIso(row.created_at),
  };
}

export async function getWorkspace(db: Kysely<DB>, workspaceId: string): Promise<Workspace> {
  const row = await db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirst();
  if (!row) throw notFound('Workspace', workspaceId);
  return toWorkspace(row);
}

/** Every workspace's id, in id order (for jobs that sweep them all). */
export async function listWorkspaceIds(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('workspaces').select('id').orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** Finds a workspace by id or slug (the CLI accepts either). */
export async function findWorkspace(db: Kysely<DB>, idOrSlug: string): Promise<Workspace> {
  const row = await db
    .selectFrom('workspaces')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .executeTakeFirst();
  if (!row) throw notFound('Workspace', idOrSlug);
  return toWorkspace(row);
}

export const MIN_PASSWORD_LENGTH = 10;

function checkNewPassword(password: string | undefined): asserts password is string {
  if (!password) throw invalid('/password', 'is required for a new user');
  if (password.length < MIN_PASSWORD_LENGTH) throw invalid('/password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
}

/**
 * Adds a person to a workspace with a role. A person already known by email keeps
 * their password and gains the membership; a new person needs a password.
 */
export async function addMember(
  db: Kysely<DB>,
  actor: Actor,
  input: { email: string; name: string; role: Role; password?: string | undefined },
): Promise<Member> {
  const email = normalizeEmail(input.email, '/email');
  const name = input.name.trim();
  if (!name) throw invalid('/name', 'must not be empty');
  // A workspace admin only ever creates new accounts, so the password is checked before the
  // email is looked up: a probe without one learns nothing.
  if (actor.kind !== 'system') checkNewPassword(input.password);
  let user = await findUserByEmail(db, email);
  // A person with an account in another workspace joins this one only by an operator's
  // hand (the CLI): a workspace admin must not be able to pull in, or look up, people
  // from other tenants. So the refusal is the same whether the account is a member here
  // or elsewhere, and says neither (GET /members shows who is here).
  if (user && actor.kind !== 'system') {
    throw new AppError(
      'conflict',
      `${email} cannot be given a new account here. Someone who is already a member keeps their account (change their role instead); an operator adds anyone else with \`rapport create-user\``,
    );
  }
  if (!user) {
    checkNewPassword(input.password);
    user = await createUser(db, { email, name, password: input.password });
  }
  const existing = await db
    .selectFrom('memberships')
    .select('role')
    .where('workspace_id', '=', actor.workspaceId)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  if (existing) throw new AppError('conflict', `${email} is already a member of this workspace`);
  const membership = await db
    .insertInto('memberships')
    .values({ workspace_id: actor.workspaceId, user_id: user.id, role: input.role })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: 'member.added',
    entityType: 'user',
    entityId: user.id,
    changes: { email, role: input.role },
  });
  return { userId: user.id, email: user.email, name: user.name, role: membership.role, createdAt: toIso(membership.created_at) };
}

export async function listMembers(db: Kysely<DB>, workspaceId: string): Promise<Member[]> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin(userProfilesQuery(db).as('users'), 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
    .where('memberships.workspace_id', '=', workspaceId)
    .orderBy('users.name')
    .execute();
  return rows.map((row) => ({ userId: row.id, email: row.email, name: row.name, role: row.role, createdAt: toIso(row.created_at) }));
}

/**
 * The membership a person signs in with: in the workspace asked for (by id or slug), or
 * else their first one; undefined when they are not a member there.
 */
export async function findMembership(
  db: Kysely<DB>,
  userId: string,
  workspace?: string | undefined,
): Promise<{ workspaceId: string; role: Role } | undefined> {
  let query = db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select(['memberships.workspace_id', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy('memberships.created_at');
  if (workspace) query = query.where((eb) => eb.or([eb('workspaces.id', '=', workspace), eb('workspaces.slug', '=', workspace)]));
  const row = await query.executeTakeFirst();
  return row && { workspaceId: row.workspace_id, role: row.role };
}

/** Every member's role by workspace and user, as a subquery to join: a session is only as good as its membership. */
export function memberRolesQuery(db: Kysely<DB>) {
  return db.selectFrom('memberships').select(['workspace_id', 'user_id', 'role']);
}

/** Whether a member of the workspace signs in with one of these email addresses. */
export async function hasMemberWithEmail(db: Kysely<DB>, workspaceId: string, emails: readonly string[]): Promise<boolean> {
  if (!emails.length) return false;
  const row = await db
    .selectFrom('memberships as m')
    .innerJoin(userProfilesQuery(db).as('u'), 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.workspace_id', '=', workspaceId)
    .where('u.email', 'in', emails)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

/** Whether a user is a member of the workspace. */
export async function isMember(db: Kysely<DB>, workspaceId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function changeMemberRole(db: Kysely<DB>, actor: Actor, userId: string, role: Role): Promise<Member> {
  const before = await db
    .selectFrom('memberships')
    .select('role')
    .where('workspace_id', '=', actor.workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!before) throw notFound('Member', userId);
  if (before.role === 'admin' && role !== 'admin') {
    const admins = await db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', actor.workspaceId)
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    if (Number(admins.n) <= 1) throw new AppError('conflict', 'This is the last admin of the workspace; make someone else admin first');
  }
  await db.updateTable('memberships').set({ role }).where('workspace_id', '=', actor.workspaceId).where('user_id', '=', userId).execute();
  await recordAudit(db, actor, {
    action: 'member.role_changed',
    entityType: 'user',
    entityId: userId,
    changes: { from: before.role, to: role },
  });
  const member = (await listMembers(db, actor.workspaceId)).find((m) => m.userId === userId);
  if (!member) throw notFound('Member', userId);
  return member;
}
