import type { SeedPlan } from './catalog.js';
import { YEAR, type SeedContext } from './chunk.js';
import type { Random } from './random.js';

// Which plan a customer is on and how much they really use, so that usage, out-of-bundle
// charges and the fit between plan and customer tell a consistent story.

export const GB = 1024;

/** What a line really uses in a typical month, before month-to-month noise. */
export interface Needs {
  dataMb: number;
  minutes: number;
  texts: number;
}

type Profile = 'oversized' | 'overage' | 'fit';
const ADULT_PROFILES: ReadonlyArray<readonly [Profile, number]> = [
  ['oversized', 18],
  ['overage', 9],
  ['fit', 73],
];
// Parents buy children small plans, which children then outgrow.
const CHILD_PROFILES: ReadonlyArray<readonly [Profile, number]> = [
  ['oversized', 5],
  ['overage', 25],
  ['fit', 70],
];

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/**
 * Picks a SIM plan and the usage behind it. Most customers sit on a plan that fits; some
 * on one far too big for them (a giving opportunity later), some on one too small, so
 * they pay for out-of-bundle usage every month.
 */
export function chooseSimPlan(ctx: SeedContext, child: boolean, startedAt: number): { plan: SeedPlan; needs: Needs } {
  const { random, catalog } = ctx;
  const [sim2, sim10, sim30, sim100, unlimited] = catalog.simPlans;
  if (!sim2 || !sim10 || !sim30 || !sim100 || !unlimited) throw new Error('seed catalogue lacks SIM plans');
  const minutes = clamp(random.logNormal(child ? 60 : 170, 0.7), 5, 3000);
  const texts = clamp(random.logNormal(child ? 120 : 40, 1), 0, 2000);
  if (!child && startedAt < ctx.reference - 3.5 * YEAR && random.chance(0.3)) {
    return { plan: catalog.legacySimPlan, needs: { dataMb: clamp(random.logNormal(4 * GB, 0.4), GB, 8 * GB), minutes, texts } };
  }
  const profile = random.weighted(child ? CHILD_PROFILES : ADULT_PROFILES);
  if (profile === 'oversized') {
    const plan = random.pick(child ? [sim30] : [sim30, sim100, sim100, unlimited]);
    return { plan, needs: { dataMb: clamp(random.logNormal(1200, 0.5), 200, 3 * GB), minutes: Math.min(minutes, 400), texts } };
  }
  if (profile === 'overage') {
    const plan = random.pick([sim2, sim2, sim10, sim30]);
    const allowance = plan.dataMb ?? 0;
    // At least 30% over: month-to-month noise never brings usage back under the allowance.
    return {
      plan,
      needs: {
        dataMb: allowance * (1.3 + random.next() * 0.7),
        minutes: plan.minutes === null ? minutes : plan.minutes * (1.1 + random.next() * 0.5),
        texts,
      },
    };
  }
  const dataMb = clamp(random.logNormal(child ? 4 * GB : 6 * GB, 1), 300, 300 * GB);
  const choices = child ? [sim2, sim10, sim30] : [sim2, sim10, sim30, sim100, unlimited];
  const plan = choices.find((p) => p.dataMb === null || p.dataMb >= dataMb * 1.15) ?? (child ? sim30 : unlimited);
  return {
    plan,
    needs: {
      dataMb,
      minutes: plan.minutes === null ? minutes : Math.min(minutes, plan.minutes * 0.8),
      texts: plan.texts === null ? texts : Math.min(texts, plan.texts * 0.8),
    },
  };
}

export function chooseBroadbandPlan(ctx: SeedContext): SeedPlan {
  const plans = ctx.catalog.broadbandPlans;
  return ctx.random.weighted(plans.map((plan, i) => [plan, [15, 25, 30, 20, 10][i] ?? 10] as const));
}

/** Usually today's price; some long-standing customers still pay what it cost when they joined. */
export function priceFor(ctx: SeedContext, plan: SeedPlan, startedAt: number): number {
  if (plan.onSale && startedAt < ctx.reference - 2 * YEAR && ctx.random.chance(0.2))
    return plan.priceMinor + ctx.random.pick([200, 300, 400, 500]);
  return plan.priceMinor;
}

/** A household's broadband traffic: a few hundred GB a month, no calls or texts counted. */
export function broadbandNeeds(random: Random): Needs {
  return { dataMb: Math.round(clamp(random.logNormal(250 * GB, 0.6), 20 * GB, 2000 * GB)), minutes: 0, texts: 0 };
}
