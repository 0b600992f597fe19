// `npm run bench`: runs every benchmark and writes the figures to bench/results/.
// `npm run bench -- ingest service` runs only the named ones
// (customer-360, feedback-metrics, feedback-page, giving, ingest, messages, pglite, service).
import { mkdirSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { benchCustomer360 } from './customer-360.js';
import { benchFeedbackMetrics } from './feedback-metrics.js';
import { benchFeedbackPage } from './feedback-page.js';
import { benchGiving } from './giving.js';
import { benchIngest } from './ingest.js';
import { benchMessages } from './messages.js';
import { benchPgliteResponsiveness } from './pglite-responsiveness.js';
import { benchService } from './service.js';

const only = process.argv.slice(2);
const selected = (name: string) => only.length === 0 || only.includes(name);

// The benchmarks start the built server, so build first.
execSync('npm run build', { stdio: 'inherit' });

const results: Record<string, unknown> = { measuredAt: new Date().toISOString(), node: process.version };
if (selected('customer-360')) results.customer360 = await benchCustomer360();
if (selected('ingest')) results.ingest = await benchIngest();
if (selected('messages')) results.messages = await benchMessages();
if (selected('pglite')) results.pgliteResponsiveness = await benchPgliteResponsiveness();
if (selected('service')) results.service = await benchService();
if (selected('feedback-page')) results.feedbackPage = await benchFeedbackPage();
if (selected('feedback-metrics')) results.feedbackMetrics = await benchFeedbackMetrics();
if (selected('giving')) results.giving = await benchGiving();
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/bench-${Date.now()}.json`, import.meta.url);
writeFileSync(file, JSON.stringify(results, null, 2));
process.stdout.write(`\nresults written to ${file.pathname}\n`);
