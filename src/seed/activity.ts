import { addEvent, addTransaction, between, DAY, type ChunkTables, type SeedContext } from './chunk.js';
import type { Holding } from './holdings.js';
import type { Person } from './people.js';

// One-off money movements and timeline events around a customer's holdings: handsets and
// accessories bought, fees charged (and sometimes refunded), credits given, bills viewed.
// Charges for out-of-bundle usage come with the usage itself (holdings.ts).

const ACCESSORIES: ReadonlyArray<readonly [string, number]> = [
  ['Phone case', 1500],
  ['USB-C fast charger', 2000],
  ['Screen protector', 999],
  ['Wireless earbuds', 4999],
  ['Car phone mount', 1299],
];

function addMobileActivity(ctx: SeedContext, tables: ChunkTables, holding: Holding): void {
  const { random } = ctx;
  const customerId = holding.payerId;
  const until = holding.endedAt ?? ctx.reference - DAY;
  if (random.chance(0.4)) {
    const handset = random.weighted(ctx.catalog.handsets.map((h, i) => [h, [30, 40, 25, 5][i] ?? 5] as const));
    addTransaction(ctx, tables, {
      customerId,
      holdingId: holding.id,
      kind: 'purchase',
      amountMinor: handset.priceMinor,
      description: handset.name,
      at: holding.startedAt,
    });
    if (random.chance(0.06)) {
      const at = between(random, holding.startedAt + DAY, holding.startedAt + 14 * DAY);
      addTransaction(ctx, tables, {
        customerId,
        holdingId: holding.id,
        kind: 'refund',
        amountMinor: handset.priceMinor,
        description: `Refund: ${handset.name} returned within 14 days`,
        at,
      });
    }
  }
  if (random.chance(0.08)) {
    addTransaction(ctx, tables, {
      customerId,
      holdingId: holding.id,
      kind: 'fee',
      amountMinor: 500,
      description: 'Replacement SIM (lost or stolen)',
      at: between(random, holding.startedAt, until),
    });
  }
  if (holding.status === 'active' && random.chance(0.25)) {
    // Roaming day passes on a summer holiday.
    const month = random.pick(ctx.usageMonths.filter((m) => m.seasonal > 1.02));
    const days = random.int(3, 14);
    addTransaction(ctx, tables, {
      customerId,
      holdingId: holding.id,
      kind: 'charge',
      amountMinor: days * 240,
      description: `Roaming: ${days} EU day passes, ${month.label}`,
      at: month.endMs - 5 * DAY,
    });
  }
  if (holding.plan.dataMb !== null && random.chance(0.2)) {
    addTransaction(ctx, tables, {
      customerId,
      holdingId: holding.id,
      kind: 'purchase',
      amountMinor: 600,
      description: 'Data add-on 5 GB',
      at: between(random, holding.startedAt, until),
    });
  }
}

function addBroadbandActivity(ctx: SeedContext, tables: ChunkTables, holding: Holding): void {
  const { random } = ctx;
  const customerId = holding.payerId;
  const until = holding.endedAt ?? ctx.reference - DAY;
  if (holding.status === 'pending') return;
  if (random.chance(0.12)) {
    addTransaction(ctx, tables, {
      customerId,
      holdingId: holding.id,
      kind: 'fee',
      amountMinor: 6500,
      description: 'Engineer visit: fault in home wiring',
      at: between(random, holding.startedAt, until),
    });
  }
  if (random.chance(0.06)) {
    addTransaction(ctx, tables, {
      customerId,
      holdingId: holding.id,
      kind: 'purchase',
      amountMinor: 4500,
      description: 'Mesh Wi-Fi booster',
      at: between(random, holding.startedAt, until),
    });
  }
  if (random.chance(0.22)) {
    const amountMinor = random.pick([500, 1000, 1500]);
    addTransaction(ctx, tables, {
      customerId,
      holdingId: holding.id,
      kind: 'credit',
      amountMinor,
      description: 'Service credit: broadband outage',
      at: between(random, holding.startedAt, until),
    });
  }
}

/** Adds the transactions and events of one customer and of the holdings they hold. */
export function addActivity(ctx: SeedContext, tables: ChunkTables, person: Person, holdings: readonly Holding[]): void {
  const { random } = ctx;
  const until = ctx.reference - DAY;
  addEvent(ctx, tables, {
    customerId: person.id,
    type: 'system',
    name: 'Signed Up',
    properties: { channel: person.acquisition },
    source: 'billing',
    at: person.createdAt,
  });
  for (const holding of holdings) {
    if (holding.line === 'mobile') addMobileActivity(ctx, tables, holding);
    else addBroadbandActivity(ctx, tables, holding);
  }
  if (person.child) return;

  const accessories = random.weighted([
    [0, 30],
    [1, 40],
    [2, 30],
  ] as const);
  for (let i = 0; i < accessories; i++) {
    const [description, amountMinor] = random.pick(ACCESSORIES);
    addTransaction(ctx, tables, {
      customerId: person.id,
      holdingId: null,
      kind: 'purchase',
      amountMinor,
      description,
      at: between(random, person.createdAt, until),
    });
  }
  if (random.chance(0.45)) {
    const at = between(random, person.createdAt + 30 * DAY, until - 30 * DAY);
    addTransaction(ctx, tables, {
      customerId: person.id,
      holdingId: null,
      kind: 'fee',
      amountMinor: 1000,
      description: 'Late payment fee',
      at,
    });
    if (random.chance(0.35)) {
      addTransaction(ctx, tables, {
        customerId: person.id,
        holdingId: null,
        kind: 'refund',
        amountMinor: 1000,
        description: 'Late payment fee waived',
        at: at + random.int(2, 20) * DAY,
      });
    }
  }
  if (random.chance(0.06)) {
    const amountMinor = random.pick([1000, 2000, 2500]);
    addTransaction(ctx, tables, {
      customerId: person.id,
      holdingId: null,
      kind: 'credit',
      amountMinor,
      description: 'Goodwill credit: billing complaint',
      at: between(random, person.createdAt, until),
    });
  }

  // A bill is viewed in the weeks after its month ends, so the latest month's is not out yet.
  const billedMonths = ctx.usageMonths.slice(0, -1);
  const billViews = random.weighted([
    [0, 30],
    [1, 25],
    [2, 20],
    [3, 15],
    [5, 10],
  ] as const);
  for (let i = 0; i < billViews; i++) {
    const month = random.pick(billedMonths);
    const channel = random.chance(0.7) ? 'app' : 'web';
    addEvent(ctx, tables, {
      customerId: person.id,
      type: 'track',
      name: 'Bill Viewed',
      properties: { billMonth: month.start.slice(0, 7) },
      context: { channel },
      source: channel,
      at: between(random, month.endMs + DAY, month.endMs + 25 * DAY),
    });
  }
}
