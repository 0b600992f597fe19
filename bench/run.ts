// `npm run bench`: runs every benchmark and writes the figures to bench/results/.
// `npm run bench -- ingest` (or `customer-360`) runs one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { benchCustomer360 } from './customer-360.js';
import { benchIngest } from './ingest.js';

// The benchmarks start the built server, so build first.
execSync('npm run build', { stdio: 'inherit' });

const results: Record<string, unknown> = { measuredAt: new Date().toISOString(), node: process.version };
const only = process.argv[2];
if (!only || only === 'customer-360') results.customer360 = await benchCustomer360();
if (!only || only === 'ingest') results.ingest = await benchIngest();
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/bench-${Date.now()}.json`, import.meta.url);
writeFileSync(file, JSON.stringify(results, null, 2));
process.stdout.write(`\nresults written to ${file.pathname}\n`);
