// One outbox worker process for the messages bench: delivers queued emails from the bench
// database to the SMTP sink until SIGTERM. argv: databaseUrl smtpUrl workerId.
import { openDatabase } from '../../src/db/database.js';
import { createEmailTransport } from '../../src/messages/channels/email.js';
import { runMessageWorker } from '../../src/messages/worker.js';

const [databaseUrl, smtpUrl, workerId] = process.argv.slice(2) as [string, string, string];
const database = await openDatabase({ databaseUrl, poolSize: 4 });
const email = createEmailTransport({ smtpUrl, from: 'Bench <bench@rapport.example>', pool: true, maxConnections: 8 });
const controller = new AbortController();
process.once('SIGTERM', () => controller.abort());
const options = {
  workerId,
  transports: { email },
  publicUrl: 'http://rapport.bench',
  maxAttempts: 5,
  leaseSeconds: 300,
  batchSize: 200,
  idleMs: 20,
  signal: controller.signal,
};
// Two rounds in flight per process, so one round's database writes overlap the other's sends.
await Promise.all([
  runMessageWorker(database.db, { ...options, workerId: `${workerId}a` }),
  runMessageWorker(database.db, { ...options, workerId: `${workerId}b` }),
]);
await email.close?.();
await database.close();
