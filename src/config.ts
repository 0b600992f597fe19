import { resolve } from 'node:path';
import { DEDUP_RETENTION_DAYS } from './ingest/retention.js';

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
  /** Days the message ids of applied events are kept to recognise a client's retry (the dedup window). */
  ingestDedupDays: number;
  /** Minutes between runs of the giving engine inside `rapport serve`; 0 leaves it to `rapport give` (cron). */
  givingIntervalMinutes: number;
  /** Outbound messages: transports and worker timing. A channel without its setting is not used. */
  messages: MessagesConfig;
  /** Surveys: link signing and expiry, contact frequency, the closed loop. */
  feedback: FeedbackConfig;
}

export interface FeedbackConfig {
  /** HMAC key survey links are signed with; when absent one is generated once and kept in the database. */
  surveySecret: string | undefined;
  /** Days a survey link stays valid. */
  linkDays: number;
  /** At most one survey invitation per customer in this many days, across all surveys. */
  contactDays: number;
  /** A comment whose sentiment score (−1…1) is at or below this opens a follow-up. */
  negativeThreshold: number;
  /** Hours the team lead has to follow up a detractor. */
  followUpHours: number;
  /** Run the survey trigger sweep inside `rapport serve`. */
  workerInProcess: boolean;
}

export interface MessagesConfig {
  /** smtp:// or smtps:// URL of the mail relay; email is not sent without it. */
  smtpUrl: string | undefined;
  /** The From header of emails. */
  emailFrom: string;
  /** SMTP connections per worker: also the most emails a crashed worker can leave `outcome_unknown`. */
  smtpConnections: number;
  /** The SMS provider's HTTP endpoint. No default: demo customers have real-format numbers, so SMS is only sent when this is set. */
  smsUrl: string | undefined;
  /** Bearer token for the SMS provider. */
  smsToken: string | undefined;
  smsFrom: string;
  /** Whether the SMS provider dedupes on the Idempotency-Key header; only then is an SMS whose outcome is unknown sent again. */
  smsIdempotent: boolean;
  /** Where Standard Webhooks deliveries go, and the `whsec_` secret they are signed with. */
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** The print house's folder: letters are written there as PDF files. */
  lettersDir: string | undefined;
  maxAttempts: number;
  /** How long a worker holds a claimed message before it counts as crashed mid-send. */
  leaseSeconds: number;
  /** Run a delivery worker inside `rapport serve` (needed on embedded PGlite; with PostgreSQL, `rapport messages-worker` processes may run instead). */
  workerInProcess: boolean;
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

function readUrl(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  return raw;
}

function readMessagesConfig(env: NodeJS.ProcessEnv): MessagesConfig {
  const webhookSecret = env.RAPPORT_WEBHOOK_SECRET || undefined;
  if (webhookSecret && !/^whsec_[A-Za-z0-9+/=]{24,}$/.test(webhookSecret)) {
    throw new ConfigError('RAPPORT_WEBHOOK_SECRET must be whsec_ followed by at least 24 base64 characters');
  }
  const webhookUrl = readUrl(env, 'RAPPORT_WEBHOOK_URL', ['http:', 'https:']);
  if (webhookUrl && !webhookSecret) throw new ConfigError('RAPPORT_WEBHOOK_URL needs RAPPORT_WEBHOOK_SECRET to sign deliveries');
  return {
    smtpUrl: readUrl(env, 'RAPPORT_SMTP_URL', ['smtp:', 'smtps:']),
    emailFrom: env.RAPPORT_EMAIL_FROM || 'Rapport <messages@localhost>',
    smtpConnections: readInt(env, 'RAPPORT_SMTP_CONNECTIONS', 5, 1, 50),
    smsUrl: readUrl(env, 'RAPPORT_SMS_URL', ['http:', 'https:']),
    smsToken: env.RAPPORT_SMS_TOKEN || undefined,
    smsFrom: env.RAPPORT_SMS_FROM || 'Rapport',
    smsIdempotent: readBool(env, 'RAPPORT_SMS_IDEMPOTENT', false),
    webhookUrl,
    webhookSecret,
    lettersDir: env.RAPPORT_LETTERS_DIR ? resolve(env.RAPPORT_LETTERS_DIR) : undefined,
    maxAttempts: readInt(env, 'RAPPORT_MESSAGE_MAX_ATTEMPTS', 5, 1, 50),
    leaseSeconds: readInt(env, 'RAPPORT_MESSAGE_LEASE_SECONDS', 120, 5, 3600),
    workerInProcess: readBool(env, 'RAPPORT_MESSAGE_WORKER', true),
  };
}

function readFeedbackConfig(env: NodeJS.ProcessEnv): FeedbackConfig {
  const surveySecret = env.RAPPORT_SURVEY_SECRET || undefined;
  if (surveySecret && surveySecret.length < 32) throw new ConfigError('RAPPORT_SURVEY_SECRET must be at least 32 characters');
  const rawThreshold = env.RAPPORT_SURVEY_NEGATIVE_THRESHOLD;
  const negativeThreshold = rawThreshold === undefined || rawThreshold === '' ? -0.3 : Number(rawThreshold);
  if (!Number.isFinite(negativeThreshold) || negativeThreshold < -1 || negativeThreshold > 0) {
    throw new ConfigError(`RAPPORT_SURVEY_NEGATIVE_THRESHOLD must be a number between -1 and 0, got "${rawThreshold}"`);
  }
  return {
    surveySecret,
    linkDays: readInt(env, 'RAPPORT_SURVEY_LINK_DAYS', 30, 1, 365),
    contactDays: readInt(env, 'RAPPORT_SURVEY_CONTACT_DAYS', 30, 0, 365),
    negativeThreshold,
    followUpHours: readInt(env, 'RAPPORT_FOLLOW_UP_HOURS', 48, 1, 24 * 30),
    workerInProcess: readBool(env, 'RAPPORT_SURVEY_WORKER', true),
  };
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
    ingestDedupDays: readInt(env, 'RAPPORT_INGEST_DEDUP_DAYS', DEDUP_RETENTION_DAYS, 1, 3650),
    givingIntervalMinutes: readInt(env, 'RAPPORT_GIVING_INTERVAL_MINUTES', 1440, 0, 525_600),

    messages: readMessagesConfig(env),
    feedback: readFeedbackConfig(env),
    ...overrides,
  };
  // Derived after the overrides, so a --port or --host flag shows in the printed URL.
  if (!config.publicUrl)
    config.publicUrl = env.RAPPORT_PUBLIC_URL ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  return config;
}
