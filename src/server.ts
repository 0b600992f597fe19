import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import type { Database } from './db/database.js';
import { AppError } from './errors.js';
import type { SeedResult } from './seed/seed.js';
import { findWorkspace } from './workspaces/service.js';

export interface StartOptions {
  /** Seed the demo workspace first when there is none. */
  demo?: boolean;
  seedDemo?: (database: Database) => Promise<SeedResult>;
  onListening?: (seeded: SeedResult | undefined) => void;
}

/** Builds the app, optionally seeds the demo, listens, and closes gracefully on SIGINT/SIGTERM. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<FastifyInstance> {
  // The server runs every worker the configuration turns on (src/workers.ts); they start as it listens.
  const app = await buildApp(config, { outreach: true });
  let seeded: SeedResult | undefined;
  if (options.demo && options.seedDemo) {
    const existing = await findWorkspace(app.database.db, 'demo').catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') return undefined;
      throw error;
    });
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
  await app.listen({ port: config.port, host: config.host });
  options.onListening?.(seeded);
  return app;
}

// `node dist/server.js` starts the server from the environment alone.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await startServer(loadConfig());
}
