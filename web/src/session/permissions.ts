import * as PERMISSIONS from '../../../src/auth/permissions.js';
import type { Permission } from '../../../src/auth/permissions.js';
import { ROLES, type Role } from '../../../src/workspaces/tables.js';
import { useMe } from './session';

// The app offers a person only what their role may do, decided by the very predicates the API
// checks (src/auth/permissions.ts), so the two cannot disagree. The API still checks every call.

/** The name of a permission predicate, e.g. 'canManageLoyalty'. */
export type PermissionName = {
  [K in keyof typeof PERMISSIONS]: (typeof PERMISSIONS)[K] extends Permission ? K : never;
}[keyof typeof PERMISSIONS];

/**
 * What a permitted control carries: the permission its API call needs. The browser test
 * (src/e2e/every-page.test.ts) fails when a role is shown a control naming a permission it lacks.
 */
export type Grant = { 'data-permission': PermissionName };

const isRole = (role: string): role is Role => (ROLES as readonly string[]).includes(role);

/** Whether a person with this role may do what the permission guards. */
export function roleMay(role: string, permission: PermissionName): boolean {
  if (!isRole(role)) return false;
  return PERMISSIONS[permission]({ kind: 'user', role, workspaceId: '', userId: '', name: '', email: '' });
}

/**
 * For the signed-in person: `can(name)` is the attributes to spread on the control when they
 * may, and false when they may not, so a control is written once:
 * `const mayRun = can('canManageLoyalty'); … {mayRun && <button {...mayRun}>Run</button>}`.
 */
export function useCan(): (permission: PermissionName) => Grant | false {
  const { role } = useMe();
  return (permission) => roleMay(role, permission) && { 'data-permission': permission };
}
