import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import type { Database } from './db/database.js';
import { openTestDatabase } from './test/database.js';
import { startWorkers } from './workers.js';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.close());

const log = pino({ level: 'silent' });

describe('background workers', () => {
  it('start in one place: the ingest processor and breach sweep in every app, the outreach workers in the server, each behind its switch', async () => {
    const config = loadConfig({}, { databaseUrl: undefined });
    const app = await startWorkers(database, config, log, { outreach: false });
    expect(app.names).toEqual(['ingest', 'breaches']);
    await app.stop();

    const server = await startWorkers(database, config, log, { outreach: true });
    expect(server.names).toEqual(['ingest', 'breaches', 'messages', 'surveys', 'giving']);
    await server.stop();

    const switchedOff = loadConfig(
      {
        RAPPORT_INGEST_WORKER: 'false',
        RAPPORT_MESSAGE_WORKER: 'false',
        RAPPORT_SURVEY_WORKER: 'false',
        RAPPORT_GIVING_INTERVAL_MINUTES: '0',
      },
      { databaseUrl: undefined },
    );
    const apiNode = await startWorkers(database, switchedOff, log, { outreach: true });
    expect(apiNode.names).toEqual(['breaches']);
    await apiNode.stop();
  });
});
