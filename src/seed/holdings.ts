import type { HoldingStatus } from '../holdings/tables.js';
import { newId } from '../ids.js';
import { addRow } from './bulk-insert.js';
import type { LineCode, SeedPlan } from './catalog.js';
import { addEvent, addTransaction, between, DAY, YEAR, type ChunkTables, type SeedContext } from './chunk.js';
import type { AcquisitionChannel, Person } from './people.js';
import { broadbandNeeds, chooseBroadbandPlan, chooseSimPlan, GB, priceFor, type Needs } from './plan-choice.js';

/** A holding as the activity generator needs to know it. */
export interface Holding {
  id: string;
  holderId: string;
  payerId: string;
  line: LineCode;
  plan: SeedPlan;
  status: HoldingStatus;
  startedAt: number;
  endedAt: number | null;
}

interface HoldingInput {
  holder: Person;
  /** The customer who pays, when it is not the holder (a parent paying for a child's line). */
  payer: Person | null;
  householdId: string | null;
  /** When the customer first took this product. */
  startedAt: number;
  externalRef: string;
  acquisition: AcquisitionChannel;
}

function overageMinor(plan: SeedPlan, usage: Needs): number {
  const overMb = plan.dataMb === null ? 0 : Math.max(0, usage.dataMb - plan.dataMb);
  const overMinutes = plan.minutes === null ? 0 : Math.max(0, usage.minutes - plan.minutes);
  const overTexts = plan.texts === null ? 0 : Math.max(0, usage.texts - plan.texts);
  // Data is charged per GB or part of one.
  return Math.ceil(overMb / GB) * plan.overagePerGbMinor + overMinutes * plan.overagePerMinuteMinor + overTexts * plan.overagePerTextMinor;
}

/** Twelve months of usage, and an out-of-bundle charge to the payer for each month over the allowance. */
function addUsage(ctx: SeedContext, tables: ChunkTables, holding: Holding, needs: Needs): void {
  const { random } = ctx;
  const noise = (): number => 0.88 + random.next() * 0.24;
  for (const month of ctx.usageMonths) {
    const usage = {
      dataMb: Math.round(needs.dataMb * month.seasonal * noise()),
      minutes: Math.round(needs.minutes * noise()),
      texts: Math.round(needs.texts * noise()),
    };
    addRow(tables.usage_records, {
      workspace_id: ctx.workspaceId,
      holding_id: holding.id,
      period_start: month.start,
      period_end: month.end,
      data_mb: usage.dataMb,
      minutes: usage.minutes,
      texts: usage.texts,
    });
    const charge = overageMinor(holding.plan, usage);
    if (charge > 0) {
      addTransaction(ctx, tables, {
        customerId: holding.payerId,
        holdingId: holding.id,
        kind: 'charge',
        amountMinor: charge,
        description: `Out-of-bundle usage, ${month.label}`,
        at: month.endMs - 3 * 3600_000,
      });
    }
  }
}

function insertHolding(
  ctx: SeedContext,
  tables: ChunkTables,
  input: HoldingInput,
  plan: SeedPlan,
  state: { status: HoldingStatus; startedAt: number; endedAt: number | null; priceMinor: number; acquisition: AcquisitionChannel },
): Holding {
  const id = newId('hld');
  addRow(tables.holdings, {
    workspace_id: ctx.workspaceId,
    id,
    customer_id: input.holder.id,
    payer_customer_id: input.payer?.id ?? null,
    household_id: input.householdId,
    product_id: plan.productId,
    plan_id: plan.id,
    status: state.status,
    started_at: state.startedAt,
    ended_at: state.endedAt,
    price_minor: state.priceMinor,
    currency: 'GBP',
    acquisition_channel: state.acquisition,
    external_ref: input.externalRef,
    created_at: state.startedAt,
    updated_at: state.endedAt ?? state.startedAt,
  });
  return {
    id,
    holderId: input.holder.id,
    payerId: input.payer?.id ?? input.holder.id,
    line: plan.line,
    plan,
    status: state.status,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
  };
}

export function laterChannel(ctx: SeedContext): AcquisitionChannel {
  return ctx.random.weighted<AcquisitionChannel>([
    ['web', 55],
    ['phone', 25],
    ['store', 20],
  ]);
}

/**
 * Adds a subscription: sometimes first a cancelled holding on another plan (a plan change
 * at least 90 days in), then the current one, which starts before the usage window so
 * that an active line has all twelve months of usage.
 */
function addSubscription(ctx: SeedContext, tables: ChunkTables, input: HoldingInput, line: LineCode): Holding[] {
  const { random } = ctx;
  const latestStart = (ctx.usageMonths[0]?.startMs ?? ctx.reference) - DAY;
  const chosen =
    line === 'mobile' ? chooseSimPlan(ctx, input.holder.child, input.startedAt) : { plan: chooseBroadbandPlan(ctx), needs: null };
  const holdings: Holding[] = [];
  let startedAt = Math.min(input.startedAt, latestStart);
  let acquisition = input.acquisition;
  // A retired plan was never switched to, only stayed on.
  if (chosen.plan.onSale && latestStart - startedAt > 120 * DAY && random.chance(0.22)) {
    const pool = line === 'mobile' ? ctx.catalog.simPlans : ctx.catalog.broadbandPlans;
    const others = pool.filter(
      (p) =>
        p.id !== chosen.plan.id && (p.dataMb ?? Infinity) <= (chosen.plan.dataMb ?? Infinity) && p.priceMinor <= chosen.plan.priceMinor,
    );
    const previous = others.length > 0 ? random.pick(others) : random.pick(pool.filter((p) => p.id !== chosen.plan.id));
    const switchedAt = between(random, startedAt + 90 * DAY, latestStart);
    holdings.push(
      insertHolding(ctx, tables, input, previous, {
        status: 'cancelled',
        startedAt,
        endedAt: switchedAt,
        priceMinor: priceFor(ctx, previous, startedAt),
        acquisition,
      }),
    );
    addEvent(ctx, tables, {
      customerId: input.holder.id,
      type: 'system',
      name: 'Plan Changed',
      properties: {
        fromPlan: previous.code,
        toPlan: chosen.plan.code,
        fromPriceMinor: previous.priceMinor,
        toPriceMinor: chosen.plan.priceMinor,
      },
      source: 'billing',
      at: switchedAt,
    });
    startedAt = switchedAt;
    acquisition = laterChannel(ctx);
  }
  // Broadband is where customers leave; a mobile line now and then is barred for non-payment.
  const fate = random.next();
  const status: HoldingStatus = line === 'broadband' && fate < 0.05 ? 'cancelled' : fate > 0.99 ? 'suspended' : 'active';
  const endedAt =
    status === 'cancelled' ? between(random, Math.max(startedAt + 180 * DAY, ctx.reference - 2 * YEAR), ctx.reference - DAY) : null;
  const current = insertHolding(ctx, tables, input, chosen.plan, {
    status,
    startedAt,
    endedAt,
    priceMinor: priceFor(ctx, chosen.plan, startedAt),
    acquisition,
  });
  holdings.push(current);
  if (status === 'cancelled' && endedAt !== null) {
    addEvent(ctx, tables, {
      customerId: input.holder.id,
      type: 'system',
      name: 'Subscription Cancelled',
      properties: { plan: chosen.plan.code, reason: random.pick(['moving_home', 'price', 'switched_provider', 'service_problems']) },
      source: 'billing',
      at: endedAt,
    });
    if (random.chance(0.4)) {
      addTransaction(ctx, tables, {
        customerId: current.payerId,
        holdingId: current.id,
        kind: 'fee',
        amountMinor: chosen.plan.priceMinor * 3,
        description: 'Early termination charge',
        at: endedAt,
      });
    }
  }
  if (status === 'active') {
    addUsage(ctx, tables, current, chosen.needs ?? broadbandNeeds(random));
  }
  return holdings;
}

export function addMobileLine(ctx: SeedContext, tables: ChunkTables, input: HoldingInput): Holding[] {
  return addSubscription(ctx, tables, input, 'mobile');
}

export function addBroadband(ctx: SeedContext, tables: ChunkTables, input: HoldingInput): Holding[] {
  return addSubscription(ctx, tables, input, 'broadband');
}

/** A broadband order placed in the last few weeks and not yet installed. */
export function addPendingBroadband(ctx: SeedContext, tables: ChunkTables, holder: Person): Holding {
  const plan = chooseBroadbandPlan(ctx);
  const startedAt = between(ctx.random, ctx.reference - 21 * DAY, ctx.reference - DAY);
  const input: HoldingInput = {
    holder,
    payer: null,
    householdId: null,
    startedAt,
    externalRef: `BB${String(holder.number).padStart(8, '0')}`,
    acquisition: laterChannel(ctx),
  };
  return insertHolding(ctx, tables, input, plan, {
    status: 'pending',
    startedAt,
    endedAt: null,
    priceMinor: plan.priceMinor,
    acquisition: input.acquisition,
  });
}
