import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { systemActor } from '../auth/actor.js';
import { createApiKey } from '../auth/service.js';
import type { Database } from '../db/database.js';
import type { Role } from '../workspaces/tables.js';
import { invalid } from '../errors.js';
import { addMember, createWorkspace } from '../workspaces/service.js';
import { insertCatalog } from './catalog.js';
import { seedMessageTemplates } from './messages.js';
import { DAY, EXTRA_LINE_BASE, insertChunk, rowCounts, usageCalendar, YEAR, type SeedContext } from './chunk.js';
import { generateChunk } from './generate.js';
import { createRandom } from './random.js';
import { seedLoyaltyAndGiving } from './loyalty.js';
import { seedService } from './service.js';
import { seedFeedback } from './feedback.js';

export interface SeedOptions {
  /** How many customers to create. */
  size: number;
  /** The same seed and size give the same names and numbers (ids differ). */
  randomSeed?: number;
  workspaceSlug?: string;
  /** Called after each chunk is stored, with customers stored so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  workspace: { id: string; slug: string; name: string };
  admin: { email: string; password: string };
  /** A secret API key for the workspace, in plaintext; only its hash is stored. */
  secretKey: string;
  /** Rows written per table. */
  counts: Record<string, number>;
  seconds: number;
}

export const DEMO_WORKSPACE_NAME = 'Demo Telecom';
export const DEMO_PASSWORD = 'rapport-demo-password';
export const DEFAULT_RANDOM_SEED = 1;

export const DEMO_ADMIN_EMAIL = 'admin@demo.rapport.dev';
const ADMIN = { email: DEMO_ADMIN_EMAIL, name: 'Alex Morgan', role: 'admin' } as const;
const STAFF: ReadonlyArray<{ email: string; name: string; role: Role }> = [
  ADMIN,
  { email: 'lead@demo.rapport.dev', name: 'Priya Shah', role: 'lead' },
  { email: 'analyst@demo.rapport.dev', name: 'Tom Fletcher', role: 'analyst' },
  { email: 'agent1@demo.rapport.dev', name: 'Grace Okafor', role: 'agent' },
  { email: 'agent2@demo.rapport.dev', name: 'Liam Walsh', role: 'agent' },
];

/** Customers per chunk: one transaction and one statement per table each. */
const CHUNK_SIZE = 2_500;
/** Phone numbers of extra lines start at EXTRA_LINE_BASE, so customers must stay below it. */
const MAX_SIZE = EXTRA_LINE_BASE;

type Outcome = { ok: true; customers: number } | { ok: false; error: unknown };

function addCounts(total: Record<string, number>, more: Record<string, number>): void {
  for (const [table, count] of Object.entries(more)) total[table] = (total[table] ?? 0) + count;
}

/**
 * Builds the "Demo Telecom" workspace: staff who can sign in, a secret API key, a mobile
 * and broadband catalogue, and `size` customers with households, consent history,
 * holdings, twelve months of usage, transactions and timeline events.
 *
 * Customers are generated in memory in chunks and written with one multi-row statement
 * per table per chunk; on PostgreSQL a few chunks are in flight at once. The workspace,
 * staff and catalogue are created in one transaction first, so a slug already in use
 * fails with a conflict before anything is written. Each chunk commits on its own: if
 * one fails, the error is thrown and the workspace keeps the chunks written before it.
 */
export async function seedDemo(database: Database, options: SeedOptions): Promise<SeedResult> {
  const size = options.size;
  if (!Number.isInteger(size) || size < 0 || size >= MAX_SIZE) throw invalid('/size', `must be a whole number from 0 to ${MAX_SIZE - 1}`);
  const randomSeed = options.randomSeed ?? DEFAULT_RANDOM_SEED;
  if (!Number.isInteger(randomSeed)) throw invalid('/randomSeed', 'must be a whole number');
  const startedAt = performance.now();
  const { reference, usageMonths } = usageCalendar(new Date());

  const setup = await database.db.transaction().execute(async (trx) => {
    const workspace = await createWorkspace(trx, { name: DEMO_WORKSPACE_NAME, slug: options.workspaceSlug ?? 'demo' });
    const actor = systemActor(workspace.id, 'seed');
    // addMember keeps an existing person's password and only adds the membership.
    for (const member of STAFF) await addMember(trx, actor, { ...member, password: DEMO_PASSWORD });
    const { key } = await createApiKey(trx, actor, { kind: 'secret', name: 'Demo secret key' });
    const catalog = await insertCatalog(trx, workspace.id, new Date(reference - 5 * YEAR - 30 * DAY));
    await seedMessageTemplates(trx, workspace.id);
    return { workspace, key, catalog };
  });

  const counts: Record<string, number> = { workspaces: 1, memberships: STAFF.length, api_keys: 1, ...setup.catalog.counts };
  const ctx: SeedContext = {
    workspaceId: setup.workspace.id,
    catalog: setup.catalog,
    random: createRandom(randomSeed),
    reference,
    usageMonths,
    sequence: { customer: 0, extraLine: 0, transaction: 0 },
  };

  // PGlite is one connection. On PostgreSQL, foreign-key checks and index upkeep make the
  // server the slower side, so several chunks are written at once while the next is built.
  const concurrency = database.kind === 'postgres' ? 4 : 1;
  const queue: Array<Promise<Outcome>> = [];
  let done = 0;
  const settleOldest = async (): Promise<void> => {
    const outcome = await queue.shift();
    if (!outcome) return;
    if (!outcome.ok) {
      await Promise.all(queue);
      throw outcome.error;
    }
    done += outcome.customers;
    options.onProgress?.(done, size);
  };

  for (let offset = 0; offset < size; offset += CHUNK_SIZE) {
    const customers = Math.min(CHUNK_SIZE, size - offset);
    const tables = generateChunk(ctx, customers);
    addCounts(counts, rowCounts(tables));
    const write = database.db.transaction().execute(async (trx) => {
      // Demo data can be seeded again; not waiting for each commit to reach disk is a fair trade.
      await sql`set local synchronous_commit = off`.execute(trx);
      await insertChunk(trx, tables);
    });
    queue.push(
      write.then(
        (): Outcome => ({ ok: true, customers }),
        (error: unknown): Outcome => ({ ok: false, error }),
      ),
    );
    if (queue.length >= concurrency) await settleOldest();
  }
  while (queue.length > 0) await settleOldest();
  addCounts(counts, await database.db.transaction().execute((trx) => seedService(trx, setup.workspace.id, ctx.random)));
  addCounts(counts, await database.db.transaction().execute((trx) => seedFeedback(trx, setup.workspace.id, ctx.random)));
  addCounts(counts, await seedLoyaltyAndGiving(database.db, setup.workspace.id, ctx.random));

  return {
    workspace: { id: setup.workspace.id, slug: setup.workspace.slug, name: setup.workspace.name },
    admin: { email: ADMIN.email, password: DEMO_PASSWORD },
    secretKey: setup.key,
    counts,
    seconds: Math.round(performance.now() - startedAt) / 1000,
  };
}
