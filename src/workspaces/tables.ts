import type { ColumnType } from 'kysely';
import type { CreatedAt, JsonWithDefault } from '../db/columns.js';

// Row types for the tables the workspaces capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export interface WorkspacesTable {
  id: string;
  name: string;
  slug: string;
  default_country: ColumnType<string, string | undefined, string>;
  default_currency: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

export const ROLES = ['admin', 'lead', 'analyst', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: Role;
  created_at: CreatedAt;
}

export const ACTOR_KINDS = ['user', 'api_key', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export interface AuditLogTable {
  workspace_id: string;
  id: string;
  occurred_at: CreatedAt;
  actor_kind: ActorKind;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  changes: JsonWithDefault;
}

/** The workspaces capability's tables, composed into the database type in src/db/schema.ts. */
export interface WorkspacesTables {
  workspaces: WorkspacesTable;
  memberships: MembershipsTable;
  audit_log: AuditLogTable;
}
