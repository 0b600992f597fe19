import { resolve } from 'node:path';

/** The one validated configuration object, built once from the environment and flags. */
export interface Config {
  /** PostgreSQL connection string; when absent Rapport runs on embedded PGlite. */
  databaseUrl: string | undefined;
  /** PGlite data directory, used when `databaseUrl` is absent. `memory://` keeps it in memory. */
  dataDir: string;
  /** Size of the PostgreSQL connection pool per process. */
  databasePoolSize: number;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Marks the session cookie `Secure`; set it when Rapport is served over HTTPS. */
  cookieSecure: boolean;
  sessionTtlHours: number;
  /** Public base URL, used in links Rapport hands out. */
  publicUrl: string;
  /** Trust X-Forwarded-For from a load balancer, so client addresses (rate limits, logs) are real. */
  trustProxy: boolean;
  /** Requests per second one write key may send to the event endpoints before 429. */
  ingestRateLimit: number;
  /** Run the background processor that applies accepted events to profiles (off for API-only nodes). */
  ingestWorker: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {}

function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function readBool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** Builds the configuration from environment variables, then applies explicit overrides (CLI flags). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const databaseUrl = env.DATABASE_URL && env.DATABASE_URL !== '' ? env.DATABASE_URL : undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const port = readInt(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST ?? '127.0.0.1';
  const dataDir = env.RAPPORT_DATA_DIR ?? './.rapport';
  const config: Config = {
    databaseUrl,
    dataDir: dataDir.startsWith('memory://') ? dataDir : resolve(dataDir),
    databasePoolSize: readInt(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    host,
    port,
    logLevel,
    cookieSecure: readBool(env, 'RAPPORT_COOKIE_SECURE', false),
    sessionTtlHours: readInt(env, 'RAPPORT_SESSION_TTL_HOURS', 24 * 7, 1, 24 * 365),
    publicUrl: '',
    trustProxy: readBool(env, 'RAPPORT_TRUST_PROXY', false),
    ingestRateLimit: readInt(env, 'RAPPORT_INGEST_RATE_LIMIT', 1000, 1, 1_000_000),
    ingestWorker: readBool(env, 'RAPPORT_INGEST_WORKER', true),
    ...overrides,
  };
  // Derived after the overrides, so a --port or --host flag shows in the printed URL.
  if (!config.publicUrl)
    config.publicUrl = env.RAPPORT_PUBLIC_URL ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  return config;
}
