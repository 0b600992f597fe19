import type { HouseholdKind, HouseholdRole } from '../customers/tables.js';
import { newId } from '../ids.js';
import { addActivity } from './activity.js';
import { addRow } from './bulk-insert.js';
import { between, createChunkTables, DAY, EXTRA_LINE_BASE, mobileNumber, YEAR, type ChunkTables, type SeedContext } from './chunk.js';
import { addBroadband, addMobileLine, addPendingBroadband, laterChannel, type Holding } from './holdings.js';
import { pickLanguage, pickSurname, type Gender, type Language } from './names.js';
import { addCustomer, type Person } from './people.js';

// Customers come in groups: mostly people on their own, and some households of two to
// four (couples, parents with children) where one adult often pays for the children's
// lines. A group never straddles two chunks, so every chunk inserts on its own.

/** Chance that a group is a household; with 2.8 people in an average one, about 30% of customers live in one. */
const HOUSEHOLD_CHANCE = 0.135;

interface Window {
  earliest: number;
  latest: number;
}

function signupWindow(ctx: SeedContext): Window {
  // Customers joined over five years, and at least a month before the usage window opens.
  const usageStart = ctx.usageMonths[0]?.startMs ?? ctx.reference;
  return { earliest: ctx.reference - 5 * YEAR, latest: usageStart - 30 * DAY };
}

const broadbandRef = (person: Person): string => `BB${String(person.number).padStart(8, '0')}`;

function addAdult(ctx: SeedContext, tables: ChunkTables, language: Language, familyName: string, createdAt: number): Person {
  const gender: Gender = ctx.random.chance(0.5) ? 'female' : 'male';
  return addCustomer(ctx, tables, { language, familyName, gender, createdAt, child: false });
}

function addExtraLine(ctx: SeedContext, tables: ChunkTables, person: Person, window: Window): Holding[] {
  const line = mobileNumber(EXTRA_LINE_BASE + ++ctx.sequence.extraLine);
  const startedAt = between(ctx.random, person.createdAt, window.latest);
  return addMobileLine(ctx, tables, {
    holder: person,
    payer: null,
    householdId: null,
    startedAt,
    externalRef: line,
    acquisition: laterChannel(ctx),
  });
}

function addSingle(ctx: SeedContext, tables: ChunkTables, language: Language, familyName: string, window: Window): void {
  const { random } = ctx;
  const person = addAdult(ctx, tables, language, familyName, between(random, window.earliest, window.latest));
  const holdings: Holding[] = [];
  const mix = random.next();
  const mobile = mix < 0.85;
  const broadband = mix >= 0.5;
  if (mobile) {
    holdings.push(
      ...addMobileLine(ctx, tables, {
        holder: person,
        payer: null,
        householdId: null,
        startedAt: person.createdAt,
        externalRef: person.phone,
        acquisition: person.acquisition,
      }),
    );
    if (random.chance(0.1)) holdings.push(...addExtraLine(ctx, tables, person, window));
  }
  if (broadband) {
    const startedAt = mobile ? between(random, person.createdAt, window.latest) : person.createdAt;
    const acquisition = mobile ? laterChannel(ctx) : person.acquisition;
    holdings.push(
      ...addBroadband(ctx, tables, {
        holder: person,
        payer: null,
        householdId: null,
        startedAt,
        externalRef: broadbandRef(person),
        acquisition,
      }),
    );
  } else if (random.chance(0.03)) {
    holdings.push(addPendingBroadband(ctx, tables, person));
  }
  addActivity(ctx, tables, person, holdings);
}

function addHousehold(ctx: SeedContext, tables: ChunkTables, room: number, language: Language, familyName: string, window: Window): number {
  const { random } = ctx;
  const size = Math.min(
    room,
    random.weighted([
      [2, 45],
      [3, 35],
      [4, 20],
    ] as const),
  );
  const adults = random.chance(size === 2 ? 0.55 : size === 3 ? 0.6 : 0.75) ? 2 : 1;
  const children = size - adults;
  const kind: HouseholdKind = children > 0 && random.chance(0.8) ? 'family_plan' : 'household';
  const createdAt = between(random, window.earliest, window.latest - 60 * DAY);
  const householdId = newId('hh');
  addRow(tables.households, {
    workspace_id: ctx.workspaceId,
    id: householdId,
    name: kind === 'family_plan' ? `${familyName} family plan` : `The ${familyName} household`,
    kind,
    created_at: createdAt,
    updated_at: createdAt,
  });
  const members: Array<{ person: Person; role: HouseholdRole }> = [];
  const owner = addAdult(ctx, tables, language, familyName, createdAt);
  members.push({ person: owner, role: 'owner' });
  let payer = owner;
  if (adults === 2) {
    const partnerName = random.chance(0.7) ? familyName : pickSurname(random, language);
    const partner = addAdult(ctx, tables, language, partnerName, between(random, createdAt, createdAt + 30 * DAY));
    const role: HouseholdRole = kind === 'family_plan' && random.chance(0.4) ? 'payer' : 'member';
    members.push({ person: partner, role });
    if (role === 'payer') payer = partner;
  }
  const kids: Person[] = [];
  for (let i = 0; i < children; i++) {
    const gender: Gender = random.chance(0.5) ? 'female' : 'male';
    const kid = addCustomer(ctx, tables, {
      language,
      familyName,
      gender,
      createdAt: between(random, createdAt, window.latest),
      child: true,
    });
    kids.push(kid);
    members.push({ person: kid, role: 'member' });
  }
  for (const member of members) {
    addRow(tables.household_members, {
      workspace_id: ctx.workspaceId,
      household_id: householdId,
      customer_id: member.person.id,
      role: member.role,
      joined_at: member.person.createdAt,
    });
  }

  // On a family plan every line belongs to the plan; in a household only the shared broadband does.
  const lineHousehold = kind === 'family_plan' ? householdId : null;
  const holdingsOf = new Map<Person, Holding[]>(members.map((m) => [m.person, []]));
  const add = (person: Person, holdings: Holding[]): void => void holdingsOf.get(person)?.push(...holdings);
  const hasBroadband = random.chance(0.8);
  if (!hasBroadband || random.chance(0.95)) {
    add(
      owner,
      addMobileLine(ctx, tables, {
        holder: owner,
        payer: null,
        householdId: lineHousehold,
        startedAt: owner.createdAt,
        externalRef: owner.phone,
        acquisition: owner.acquisition,
      }),
    );
  }
  if (hasBroadband) {
    add(
      owner,
      addBroadband(ctx, tables, {
        holder: owner,
        payer: null,
        householdId,
        startedAt: between(random, owner.createdAt, owner.createdAt + 90 * DAY),
        externalRef: broadbandRef(owner),
        acquisition: laterChannel(ctx),
      }),
    );
  }
  for (const { person } of members) {
    if (person === owner || person.child || !random.chance(0.9)) continue;
    // On a family plan the paying adult pays for the other adult's line too.
    const payerOfLine = kind === 'family_plan' && payer !== person ? payer : null;
    add(
      person,
      addMobileLine(ctx, tables, {
        holder: person,
        payer: payerOfLine,
        householdId: lineHousehold,
        startedAt: person.createdAt,
        externalRef: person.phone,
        acquisition: person.acquisition,
      }),
    );
  }
  for (const kid of kids) {
    add(
      kid,
      addMobileLine(ctx, tables, {
        holder: kid,
        payer,
        householdId,
        startedAt: kid.createdAt,
        externalRef: kid.phone,
        acquisition: payer.acquisition,
      }),
    );
  }
  for (const { person } of members) addActivity(ctx, tables, person, holdingsOf.get(person) ?? []);
  return size;
}

/** Generates `count` customers with everything around them, ready to insert. */
export function generateChunk(ctx: SeedContext, count: number): ChunkTables {
  const tables = createChunkTables();
  const window = signupWindow(ctx);
  let made = 0;
  while (made < count) {
    const language = pickLanguage(ctx.random);
    const familyName = pickSurname(ctx.random, language);
    if (count - made >= 2 && ctx.random.chance(HOUSEHOLD_CHANCE)) {
      made += addHousehold(ctx, tables, count - made, language, familyName, window);
    } else {
      addSingle(ctx, tables, language, familyName, window);
      made++;
    }
  }
  return tables;
}
