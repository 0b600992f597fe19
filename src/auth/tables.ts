import type { Timestamp, CreatedAt } from '../db/columns.js';

// Row types for the tables the auth capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: CreatedAt;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  workspace_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export const API_KEY_KINDS = ['write', 'secret'] as const;
export type ApiKeyKind = (typeof API_KEY_KINDS)[number];

export interface ApiKeysTable {
  workspace_id: string;
  id: string;
  kind: ApiKeyKind;
  name: string;
  key_hash: string;
  key_prefix: string;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** The auth capability's tables, composed into the database type in src/db/schema.ts. */
export interface AuthTables {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
}
