import { api, segment } from '../api';
import type { EarningRule, LoyaltyAccount, LoyaltyReward, LoyaltySettings, LoyaltyTier, PenaltyReport } from '../api-types';

export function getAccount(customerId: string, signal: AbortSignal): Promise<LoyaltyAccount> {
  return api.get<LoyaltyAccount>(`/loyalty/accounts/${segment(customerId)}`, { signal });
}

export async function getProgramme(signal: AbortSignal) {
  const [tiers, rules, rewards, settings, penalty] = await Promise.all([
    api.get<{ data: LoyaltyTier[] }>('/loyalty/tiers', { signal }),
    api.get<{ data: EarningRule[] }>('/loyalty/rules', { signal }),
    api.get<{ data: LoyaltyReward[] }>('/loyalty/rewards', { signal }),
    api.get<LoyaltySettings>('/loyalty/settings', { signal }),
    api.get<PenaltyReport>('/loyalty/penalty?limit=20', { signal }),
  ]);
  return { tiers: tiers.data, rules: rules.data, rewards: rewards.data, settings, penalty };
}
