// `npm run bench -- pglite` (or `npx tsx bench/pglite-responsiveness.ts` after `npm run build`):
// issue 15's experiment on embedded PGlite. Identify events of new people are posted to
// /v1/batch with 8 requests in flight, to a server with the ingest processor off (the
// baseline) and then on, while /readyz is probed every 100 ms; it reports the
// acknowledgements (events/s, p50/p99) and the probe's latency, and the ratios of the
// processor-on run to the baseline measured in the same run.
//   RAPPORT_BENCH_PGLITE_EVENTS  identifies per run (default 10,000)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemActor } from '../src/auth/actor.js';
import { createApiKey } from '../src/auth/service.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createWorkspace } from '../src/workspaces/service.js';
import { batchRequest, drive } from './ingest-load.js';
import { startServer, stopServer } from './server.js';
import { latencySummary } from './stats.js';

const EVENTS = Number(process.env.RAPPORT_BENCH_PGLITE_EVENTS ?? 10_000);
const BATCH = 100;
const IN_FLIGHT = 8;

const log = (line: string) => process.stdout.write(`${line}\n`);

function identifyBodies(run: string): Buffer[] {
  return Array.from({ length: EVENTS / BATCH }, (_, b) =>
    Buffer.from(
      JSON.stringify({
        batch: Array.from({ length: BATCH }, (_, j) => ({
          type: 'identify',
          userId: `${run}-${b}-${j}`,
          messageId: `${run}-${b}-${j}`,
          traits: { email: `${run}.${b}.${j}@example.com`, name: `Person ${b} ${j}`, plan: 'sim-10gb' },
          timestamp: new Date().toISOString(),
        })),
      }),
    ),
  );
}

interface RunResult {
  eventsPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  readyzP99Ms: number;
  readyzMaxMs: number;
}

async function runOnce(dataDir: string, writeKey: string, processor: boolean): Promise<RunResult> {
  const port = 5700 + Math.floor(Math.random() * 1000);
  const server = await startServer({ DATABASE_URL: '', RAPPORT_DATA_DIR: dataDir, RAPPORT_INGEST_WORKER: String(processor) }, port);
  try {
    const requests = identifyBodies(processor ? 'on' : 'off').map((body) => batchRequest(writeKey, body));
    const probes: number[] = [];
    let driving = true;
    const probing = (async () => {
      while (driving) {
        const started = performance.now();
        await fetch(`http://127.0.0.1:${port}/readyz`);
        probes.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const result = await drive(port, requests, BATCH, IN_FLIGHT).finally(() => (driving = false));
    await probing;
    const acks = latencySummary(result.latenciesMs);
    const ready = latencySummary(probes);
    const run = {
      eventsPerSecond: Math.round(result.events / result.seconds),
      ackP50Ms: Math.round(acks.median),
      ackP99Ms: Math.round(acks.p99),
      readyzP99Ms: Math.round(ready.p99),
      readyzMaxMs: Math.round(ready.max),
    };
    log(`PGlite, processor ${processor ? 'on ' : 'off'}: ${JSON.stringify(run)}${result.failures ? ` (${result.failures} failed)` : ''}`);
    return run;
  } finally {
    await stopServer(server);
  }
}

export async function benchPgliteResponsiveness() {
  const dataDir = mkdtempSync(join(tmpdir(), 'rapport-bench-pglite-'));
  try {
    const database = await openDatabase({ dataDir });
    let writeKey: string;
    try {
      await migrate(database);
      const workspace = await createWorkspace(database.db, { name: 'Bench', slug: `bench-${Date.now()}` });
      writeKey = (await createApiKey(database.db, systemActor(workspace.id), { kind: 'write', name: 'bench' })).key;
    } finally {
      await database.close();
    }
    log(`PGlite responsiveness: ${EVENTS} identifies of new people, batches of ${BATCH}, ${IN_FLIGHT} in flight`);
    const off = await runOnce(dataDir, writeKey, false);
    const on = await runOnce(dataDir, writeKey, true);
    const ratios = {
      eventsPerSecond: +(on.eventsPerSecond / off.eventsPerSecond).toFixed(2),
      ackP99: +(on.ackP99Ms / off.ackP99Ms).toFixed(2),
    };
    log(`processor on / off: events/s ×${ratios.eventsPerSecond}, ack p99 ×${ratios.ackP99}`);
    return { events: EVENTS, off, on, ratios };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchPgliteResponsiveness();
