// `npm run bench`: runs every benchmark and writes the figures to bench/results/.
// `npm run bench -- service` runs only the named ones (customer360, service).
import { mkdirSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { benchCustomer360 } from './customer-360.js';
import { benchService } from './service.js';

// The benchmarks start the built server, so build first.
execSync('npm run build', { stdio: 'inherit' });

const selected = process.argv.slice(2);
const wants = (name: string) => selected.length === 0 || selected.includes(name);
const results: Record<string, unknown> = { measuredAt: new Date().toISOString(), node: process.version };
if (wants('customer360')) results.customer360 = await benchCustomer360();
if (wants('service')) results.service = await benchService();
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/bench-${Date.now()}.json`, import.meta.url);
writeFileSync(file, JSON.stringify(results, null, 2));
process.stdout.write(`\nresults written to ${file.pathname}\n`);
