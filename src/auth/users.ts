import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';
import { hashPassword } from './secrets.js';
import type { UsersTable } from './tables.js';

// People's accounts. Memberships (who may work in which workspace, and as what) belong to
// workspaces, which names people through these functions.

export type UserRow = Selectable<UsersTable>;

/** The account with this email (stored lower-cased and trimmed), if any. */
export async function findUserByEmail(db: Kysely<DB>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

/** Creates an account; only the password's hash is stored. */
export async function createUser(db: Kysely<DB>, input: { email: string; name: string; password: string }): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ id: newId('usr'), email: input.email, name: input.name, password_hash: await hashPassword(input.password) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Who people are (id, email, name; never the password hash), as a subquery to join, so a
 * list of members or follow-ups names each person in the same query.
 */
export function userProfilesQuery(db: Kysely<DB>) {
  return db.selectFrom('users').select(['id', 'email', 'name']);
}
