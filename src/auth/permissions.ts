import type { Role } from '../workspaces/tables.js';
import type { Actor } from './actor.js';

// Authorisation as named predicates. A secret key acts for its whole workspace;
// a write key may only send events. Workspace isolation is not decided here:
// every query is scoped to the actor's workspace, so another tenant's data is
// simply not found.

/** A permission check over an actor, named for what it allows. */
export type Permission = ((actor: Actor) => boolean) & { description: string };

function permission(description: string, roles: Role[], allowSecretKey = true, allowWriteKey = false): Permission {
  const check = (actor: Actor): boolean => {
    switch (actor.kind) {
      case 'system':
        return true;
      case 'api_key':
        return actor.keyKind === 'secret' ? allowSecretKey : allowWriteKey;
      case 'user':
        return roles.includes(actor.role);
    }
  };
  return Object.assign(check, { description });
}

export const canReadCustomers = permission('read customers', ['admin', 'lead', 'analyst', 'agent']);
export const canEditCustomers = permission('change customers', ['admin', 'lead', 'agent']);
export const canMergeCustomers = permission('merge customers', ['admin', 'lead', 'agent']);
export const canExportCustomerData = permission('export a customer’s personal data', ['admin', 'lead']);
export const canEraseCustomers = permission('erase customers', ['admin']);
export const canReadCatalog = permission('read the catalog', ['admin', 'lead', 'analyst', 'agent']);
export const canManageCatalog = permission('change the catalog', ['admin', 'lead']);
export const canEditHoldings = permission('change holdings, usage and transactions', ['admin', 'lead', 'agent']);
export const canManageAccess = permission('manage users and API keys', ['admin']);
export const canReadAuditLog = permission('read the audit log', ['admin', 'lead']);
export const canReadWorkspace = permission('read the workspace', ['admin', 'lead', 'analyst', 'agent']);
export const canIngestEvents = permission('send events', ['admin'], true, true);
export const canReadService = permission('read interactions, cases and service metrics', ['admin', 'lead', 'analyst', 'agent']);
export const canWorkCases = permission('record interactions and work cases', ['admin', 'lead', 'agent']);
export const canManageService = permission('change teams, jobs, SLA policies and goodwill budgets', ['admin', 'lead']);
export const canGrantGoodwill = permission('grant goodwill gestures', ['admin', 'lead', 'agent']);
export const canApproveGoodwill = permission('approve goodwill gestures above budget', ['admin', 'lead'], false);
export const canSendMessages = permission('send messages to customers', ['admin', 'lead', 'agent']);
export const canRequeueMessages = permission('requeue messages whose delivery outcome is unknown (they may arrive twice)', ['admin']);
export const canManageMessageTemplates = permission('change message templates and settings', ['admin', 'lead']);
export const canManageSurveys = permission('change surveys', ['admin', 'lead']);
// A survey link lets whoever holds it answer as the customer, so staff never see one; an
// admin may reveal one to pass it on by hand, and each reveal is audited.
export const canRevealSurveyLinks = permission('reveal a survey link to pass it on by hand', ['admin']);
export const canRecordInboundMessages = permission('record message receipts and replies', ['admin'], true, true);
export const canReadFeedbackMetrics = permission('read feedback metrics, themes and agent scorecards', ['admin', 'lead', 'analyst']);
export const canReadLoyalty = permission('read points, tiers, rewards, gifts and the giving ledger', ['admin', 'lead', 'analyst', 'agent']);
export const canManageLoyalty = permission('change earning rules, tiers, rewards and giving rules, and run the giving engine', [
  'admin',
  'lead',
]);
export const canWorkPoints = permission('redeem and adjust points, accept or decline gifts for a customer', ['admin', 'lead', 'agent']);
