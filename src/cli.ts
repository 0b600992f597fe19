import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { systemActor } from './auth/actor.js';
import { createApiKey } from './auth/service.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DataDirectoryInUseError } from './db/data-dir-lock.js';
import { openConfiguredDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import type { Role } from './workspaces/tables.js';
import { AppError } from './errors.js';
import { importFile } from './ingest/import/cli.js';
import { IMPORT_TYPES, type ImportType } from './ingest/import/entities.js';
import type { ImportFormat } from './ingest/import/run-import.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, seedDemo, type SeedResult } from './seed/seed.js';
import { startServer } from './server.js';
import { addMember, createWorkspace, findWorkspace } from './workspaces/service.js';

const DEFAULT_SEED_SIZE = 2000;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/** Opens the configured database, brings its schema up to date, runs the work and closes it. */
async function withDatabase<T>(config: Config, work: (database: Database, applied: number[]) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(config);
  try {
    const applied = await migrate(database);
    return await work(database, applied);
  } finally {
    await database.close();
  }
}

/** What embedded PGlite guarantees, said where a newcomer sees it (README: "Embedded PGlite: what is guaranteed"). */
function pgliteGuarantees(config: Config): string {
  if (config.dataDir.startsWith('memory://')) return 'Embedded PGlite in memory: nothing is kept when this process stops.';
  return (
    'Embedded PGlite: acknowledged writes are synced to disk (they survive a crash or power loss); ' +
    'this process alone owns the data directory (other rapport commands on it are refused while it runs); ' +
    'one connection, so use PostgreSQL (DATABASE_URL) for heavy or concurrent load.'
  );
}

function describeDatabase(config: Config): string {
  return config.databaseUrl ? `PostgreSQL (${new URL(config.databaseUrl).host})` : `embedded PGlite in ${config.dataDir}`;
}

/** Seeds with a progress bar on stderr. */
async function seedWithProgress(database: Database, size: number, slug: string, randomSeed: number): Promise<SeedResult> {
  const bar = new SingleBar(
    { format: 'Seeding  [{bar}] {percentage}% | {value}/{total} customers | {eta_formatted} left', stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(size, 0);
  try {
    return await seedDemo(database, { size, workspaceSlug: slug, randomSeed, onProgress: (done) => bar.update(done) });
  } finally {
    bar.stop();
  }
}

function printSignIn(result: SeedResult, url: string): void {
  const lines = [
    '',
    `Demo workspace "${result.workspace.name}" (${result.workspace.slug}) seeded in ${result.seconds.toFixed(1)} s:`,
    `  ${Object.entries(result.counts)
      .map(([table, n]) => `${n} ${table}`)
      .join(', ')}`,
    '',
    `  Sign in at ${url} as ${result.admin.email} with password ${result.admin.password} (API docs at ${url}/docs)`,
    `  Secret API key (shown once): ${result.secretKey}`,
    `  Try: curl -H "Authorization: Bearer ${result.secretKey}" "${url}/api/v1/customers?q=smith"`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const program = new Command('rapport').description('Rapport: the customer experience platform').showHelpAfterError();

program
  .command('serve')
  .description('Start the HTTP server (applies migrations first)')
  .option('-p, --port <port>', 'port to listen on (default PORT or 3000)', positiveInt)
  .option('--host <host>', 'interface to listen on (default HOST or 127.0.0.1)')
  .option('--demo', 'seed a demo workspace first if there is none, and print how to sign in')
  .option('--seed-size <n>', 'customers in the demo workspace', positiveInt, DEFAULT_SEED_SIZE)
  .action(async (options: { port?: number; host?: string; demo?: boolean; seedSize: number }) => {
    const config = loadConfig(process.env, {
      ...(options.port ? { port: options.port } : {}),
      ...(options.host ? { host: options.host } : {}),
    });
    await startServer(config, {
      demo: options.demo ?? false,
      seedDemo: (database) => seedWithProgress(database, options.seedSize, 'demo', 1),
      onListening: (seeded) => {
        process.stdout.write(
          `\nRapport is running on ${describeDatabase(config)} at ${config.publicUrl} (API docs: ${config.publicUrl}/docs)\n`,
        );
        if (!config.databaseUrl) process.stdout.write(`  ${pgliteGuarantees(config)}\n`);
        if (seeded) printSignIn(seeded, config.publicUrl);
        else if (options.demo)
          process.stdout.write(
            `  Demo workspace already present: sign in at ${config.publicUrl} as ${DEMO_ADMIN_EMAIL} with password ${DEMO_PASSWORD}\n`,
          );
      },
    });
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const applied = await withDatabase(config, async (_database, applied) => applied);
    process.stdout.write(
      applied.length
        ? `Applied migrations ${applied.join(', ')} on ${describeDatabase(config)}\n`
        : `Schema is up to date on ${describeDatabase(config)}\n`,
    );
  });

program
  .command('seed')
  .description('Create a realistic, deterministic demo workspace (mobile and broadband company)')
  .option('-n, --size <customers>', 'number of customers (up to 1,000,000)', positiveInt, DEFAULT_SEED_SIZE)
  .option('--slug <slug>', 'workspace slug', 'demo')
  .option('--random-seed <n>', 'seed of the random generator; the same seed gives the same data', positiveInt, 1)
  .action(async (options: { size: number; slug: string; randomSeed: number }) => {
    const config = loadConfig();
    if (options.size > 1_000_000) throw new InvalidArgumentError('--size is at most 1,000,000');
    const result = await withDatabase(config, (database) => seedWithProgress(database, options.size, options.slug, options.randomSeed));
    printSignIn(result, config.publicUrl);
  });

program
  .command('messages-worker')
  .description('Deliver queued messages until stopped (SIGINT/SIGTERM); run several on PostgreSQL')
  .action(async () => {
    const config = loadConfig();
    const { startMessageWorker } = await import('./messages/background.js');
    await withDatabase(config, async (database) => {
      const worker = startMessageWorker(database.db, config, (error) => process.stderr.write(`message worker: ${String(error)}\n`));
      process.stdout.write(
        `Delivering messages as ${worker.workerId} on ${describeDatabase(config)}; channels: ${worker.channels.join(', ') || 'none configured'}\n`,
      );
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await worker.stop();
    });
  });

program
  .command('surveys-worker')
  .description('Send survey invitations for new interactions, resolved cases and relationship cadences until stopped')
  .action(async () => {
    const config = loadConfig();
    const { startSurveySweeper } = await import('./feedback/background.js');
    await withDatabase(config, async (database) => {
      const sweeper = startSurveySweeper(database.db, config, (error) => process.stderr.write(`survey sweep: ${String(error)}\n`));
      process.stdout.write(`Sweeping survey triggers every minute on ${describeDatabase(config)}\n`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await sweeper.stop();
    });
  });

program
  .command('give')
  .description('Run the giving engine now: earn and expire points, expire old offers, then every giving rule over every customer')
  .option('--workspace <id-or-slug>', 'only this workspace (default: every workspace)')
  .action(async (options: { workspace?: string }) => {
    const config = loadConfig();
    const { runGiving } = await import('./giving/job.js');
    const result = await withDatabase(config, async (database) => {
      const workspaceId = options.workspace ? (await findWorkspace(database.db, options.workspace)).id : undefined;
      return runGiving(database.db, {
        ...(workspaceId ? { workspaceId } : {}),
        onProgress: (p) => process.stderr.write(`  ${p.workspaceId}: ${p.chunksDone}/${p.chunks} chunks, ${p.giftsCreated} gifts so far\n`),
      });
    });
    for (const run of result.runs) {
      const rules =
        Object.entries(run.byRule)
          .map(([kind, n]) => `${n} ${kind}`)
          .join(', ') || 'none';
      process.stdout.write(
        `${run.workspaceId}: ${run.customersScanned} customers in ${run.chunksDone} chunks; ${run.giftsCreated} gifts offered (${rules}); ${run.giftsExpired} offers expired; ${run.pointsEarned} points entries earned\n`,
      );
    }
  });

program
  .command('import')
  .description('Bulk-import customers, identities, holdings, usage and transactions from CSV or NDJSON files')
  .argument('<file>', 'CSV or NDJSON file (any size: it is streamed)')
  .requiredOption('--workspace <id-or-slug>', 'workspace')
  .addOption(new Option('--type <type>', 'what the rows are').choices([...IMPORT_TYPES]).makeOptionMandatory())
  .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'ndjson']))
  .option('--report <file>', 'where refused rows are written (default <file>.rejected.csv)')
  .action(async (file: string, options: { workspace: string; type: ImportType; format?: ImportFormat; report?: string }) => {
    const result = await withDatabase(loadConfig(), (database) =>
      importFile(database, file, { ...options, progress: process.stderr.isTTY }),
    );
    process.stdout.write(
      `Imported ${result.rows} ${result.type} rows: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected} rejected\n`,
    );
    if (result.report) process.stdout.write(`Rejected rows (line and reason) are in ${result.report}\n`);
  });

program
  .command('create-workspace')
  .description('Create a workspace (a tenant)')
  .requiredOption('--name <name>', 'display name')
  .option('--slug <slug>', 'URL-safe short name (derived from the name when omitted)')
  .option('--country <code>', 'ISO 3166 country used to read national phone numbers', 'GB')
  .option('--currency <code>', 'ISO 4217 default currency', 'GBP')
  .action(async (options: { name: string; slug?: string; country: string; currency: string }) => {
    const workspace = await withDatabase(loadConfig(), (database) =>
      createWorkspace(database.db, {
        name: options.name,
        slug: options.slug,
        defaultCountry: options.country,
        defaultCurrency: options.currency,
      }),
    );
    process.stdout.write(`Created workspace ${workspace.name} (${workspace.slug}) with id ${workspace.id}\n`);
  });

program
  .command('create-user')
  .description('Add a person to a workspace with a role')
  .requiredOption('--workspace <id-or-slug>', 'workspace')
  .requiredOption('--email <email>', 'sign-in email')
  .requiredOption('--name <name>', 'display name')
  .addOption(new Option('--role <role>', 'role').choices(['admin', 'lead', 'analyst', 'agent']).default('agent'))
  .option('--password <password>', 'password (or set RAPPORT_PASSWORD); required for a new person')
  .action(async (options: { workspace: string; email: string; name: string; role: Role; password?: string }) => {
    const member = await withDatabase(loadConfig(), async (database) => {
      const workspace = await findWorkspace(database.db, options.workspace);
      return database.db.transaction().execute((trx) =>
        addMember(trx, systemActor(workspace.id, 'cli'), {
          email: options.email,
          name: options.name,
          role: options.role,
          password: options.password ?? process.env.RAPPORT_PASSWORD,
        }),
      );
    });
    process.stdout.write(`Added ${member.email} as ${member.role}\n`);
  });

program
  .command('create-api-key')
  .description('Create an API key; it is printed once and stored hashed')
  .requiredOption('--workspace <id-or-slug>', 'workspace')
  .addOption(
    new Option('--kind <kind>', 'secret: the whole API; write: sending events only').choices(['secret', 'write']).default('secret'),
  )
  .option('--name <name>', 'what the key is for', 'CLI key')
  .action(async (options: { workspace: string; kind: 'secret' | 'write'; name: string }) => {
    const created = await withDatabase(loadConfig(), async (database) => {
      const workspace = await findWorkspace(database.db, options.workspace);
      return database.db
        .transaction()
        .execute((trx) => createApiKey(trx, systemActor(workspace.id, 'cli'), { kind: options.kind, name: options.name }));
    });
    process.stdout.write(`${created.apiKey.kind} key ${created.apiKey.id} (store it now, it is not shown again):\n${created.key}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const message =
    error instanceof AppError ||
    error instanceof InvalidArgumentError ||
    error instanceof ConfigError ||
    error instanceof DataDirectoryInUseError
      ? error.message
      : String(error instanceof Error ? (error.stack ?? error.message) : error);
  process.stderr.write(`rapport: ${message}\n`);
  if (error instanceof AppError && error.details.issues) {
    for (const issue of error.details.issues) process.stderr.write(`  ${issue.path}: ${issue.message}\n`);
  }
  process.exit(1);
});
