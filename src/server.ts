import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import type { Database } from './db/database.js';
import type { SeedResult } from './seed/seed.js';

export interface StartOptions {
  /** Seed the demo workspace first when there is none. */
  demo?: boolean;
  seedDemo?: (database: Database) => Promise<SeedResult>;
  onListening?: (seeded: SeedResult | undefined) => void;
}

/** Builds the app, optionally seeds the demo, listens, and closes gracefully on SIGINT/SIGTERM. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp(config);
  let seeded: SeedResult | undefined;
  if (options.demo && options.seedDemo) {
    const existing = await app.database.db.selectFrom('workspaces').select('id').where('slug', '=', 'demo').executeTakeFirst();
    if (!existing) seeded = await options.seedDemo(app.database);
  }
  const shutDown = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, shutDown);
  // A server closed otherwise (a test running it in its process) leaves no handler behind.
  app.addHook('onClose', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeListener(signal, shutDown);
  });
  if (config.messages.workerInProcess) {
    // Loaded on demand: the channel adapters (SMTP, PDF) are heavy for a process that only prints help.
    const { startMessageWorker } = await import('./messages/background.js');
    const worker = startMessageWorker(app.database.db, config, (error) => app.log.error({ err: error }, 'message worker round failed'));
    app.addHook('preClose', () => worker.stop());
  }
  if (config.feedback.workerInProcess) {
    const { startSurveySweeper } = await import('./feedback/background.js');
    const sweeper = startSurveySweeper(
      app.database.db,
      config,
      (error) => app.log.error({ err: error }, 'survey sweep failed'),
      app.database.pacing,
    );
    app.addHook('preClose', () => sweeper.stop());
  }
  if (config.givingIntervalMinutes > 0) {
    const { startGivingScheduler } = await import('./giving/background.js');
    const giving = startGivingScheduler(
      app.database.db,
      { intervalMinutes: config.givingIntervalMinutes, pacing: app.database.pacing },
      (error) => app.log.error({ err: error }, 'giving run failed'),
    );
    app.addHook('preClose', () => giving.stop());
  }
  await app.listen({ port: config.port, host: config.host });
  options.onListening?.(seeded);
  return app;
}

// `node dist/server.js` starts the server from the environment alone.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await startServer(loadConfig());
}
