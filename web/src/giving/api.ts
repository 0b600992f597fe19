import { api, segment } from '../api';
import type { CustomerGiving, Gift, GivingLedger, GivingRule, GivingRun } from '../api-types';

export function getCustomerGiving(customerId: string, signal: AbortSignal): Promise<CustomerGiving> {
  return api.get<CustomerGiving>(`/customers/${segment(customerId)}/giving`, { signal });
}

export function decideGift(id: string, decision: 'accept' | 'decline'): Promise<Gift> {
  return api.post<Gift>(`/gifts/${segment(id)}/${decision}`, {});
}

export async function getGiving(signal: AbortSignal) {
  const [ledger, rules, runs, recent] = await Promise.all([
    api.get<GivingLedger>('/giving/ledger', { signal }),
    api.get<{ data: GivingRule[] }>('/giving/rules', { signal }),
    api.get<{ data: GivingRun[] }>('/giving/runs', { signal }),
    api.get<{ data: Gift[] }>('/gifts?limit=15', { signal }),
  ]);
  return { ledger, rules: rules.data, runs: runs.data, recent: recent.data };
}

export function runGivingNow(): Promise<GivingRun> {
  return api.post<GivingRun>('/giving/runs', {});
}

export const RULE_LABEL: Record<string, string> = {
  best_tariff: 'Best tariff',
  fee_waiver: 'Fees waived',
  service_recovery: 'Service recovery',
  thank_you: 'Thank-yous',
};
