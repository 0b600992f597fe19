/** The closed set of error codes Rapport answers with. */
export type ErrorCode =
  | 'moved'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  moved: 308,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** One problem with one field of the input, named by its path (`/identities/0/value`). */
export interface FieldIssue {
  path: string;
  message: string;
  /** Where the path points when not into the body: `params`, `querystring`. */
  in?: string;
}

/** The one error class: a closed code, a message for people, and optional details. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { issues?: FieldIssue[]; [key: string]: unknown } = {},
    /** When set, the thing asked for lives at another id: the answer is a 308 to the same URL with `to` in place of `from`. */
    readonly redirect?: { from: string; to: string },
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export function notFound(entity: string, id: string): AppError {
  return new AppError('not_found', `${entity} ${id} was not found`);
}

export function invalid(path: string, message: string): AppError {
  return new AppError('validation_failed', `${path}: ${message}`, { issues: [{ path, message }] });
}

interface PostgresError {
  code: string;
  detail?: string;
  column?: string;
}

function isPostgresError(error: unknown): error is PostgresError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as { code: string }).code)
  );
}

/** The socket-level failures of reaching a database server: refused, reset, unreachable, or a name that does not resolve (yet) during a failover. */
const NODE_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

// node-postgres raises these without any code, so they can only be told by their text:
// the server closed the socket ("Connection terminated unexpectedly"), the pool gave up
// waiting for a connection, or a query was sent on a client whose connection had failed.
const NODE_POSTGRES_CONNECTION_MESSAGES = [
  /^Connection terminated\b/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
];

/**
 * Whether an error means the database could not be reached, rather than that it refused the
 * statement: the server shut down, crashed or is starting up (57P01, 57P02, 57P03), the
 * connection failed (class 08), or the socket did (ECONNREFUSED, ECONNRESET…). Such work
 * may succeed unchanged a few seconds later. Looks through `cause` and AggregateError.
 */
export function isConnectionError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === '57P01' || code === '57P02' || code === '57P03' || /^08[0-9A-Z]{3}$/.test(code)) return true;
    if (NODE_CONNECTION_CODES.has(code)) return true;
  }
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && NODE_POSTGRES_CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isConnectionError(inner, depth + 1))) return true;
  return isConnectionError((error as { cause?: unknown }).cause, depth + 1);
}

const LOST_RACE_CODES = new Set(['23505', '40001', '40P01']);

/**
 * Whether a statement lost a race with a concurrent transaction: another one inserted the
 * same unique key first (23505: two first sightings of one new email), or the two could not
 * be serialised (40001) or deadlocked (40P01). Run again, the work sees the winner's rows and
 * goes through; see retryLostRaces (db/retry.ts).
 */
export function isLostRace(error: unknown): boolean {
  return isPostgresError(error) && LOST_RACE_CODES.has(error.code);
}

/**
 * Maps PostgreSQL error codes (the same from PGlite and node-postgres) to AppError.
 * The one place where database errors are interpreted; by message text only for the
 * connection failures node-postgres gives no code (see isConnectionError).
 */
export function fromDatabaseError(error: unknown): AppError | undefined {
  if (isConnectionError(error)) return new AppError('unavailable', 'The database is unavailable; retry in a few seconds');
  if (!isPostgresError(error)) return undefined;
  switch (error.code) {
    case '23505':
      return new AppError('conflict', 'That value is already in use');
    case '23503':
      return new AppError('validation_failed', 'A referenced record does not exist');
    case '23514':
      return new AppError('validation_failed', 'A value is outside its allowed range');
    case '23502':
      return new AppError('validation_failed', `A required value is missing${error.column ? `: ${error.column}` : ''}`);
    // The edge refuses these first (src/http/input-guard.ts); a text that reaches the database another way still gets a 400.
    case '22021':
    case '22P05':
      return new AppError('validation_failed', 'A text holds a character that cannot be stored (NUL or half of a surrogate pair)');
    case '54001':
      return new AppError('validation_failed', 'A value is nested too deeply to be stored');
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return new AppError('validation_failed', 'A value has the wrong format or is out of range');
    case '40001':
    case '40P01':
      return new AppError('conflict', 'The change collided with another one; retry it');
    default:
      return undefined;
  }
}

/**
 * Runs one validation step; a validation error is added to `issues` instead of thrown,
 * so that one answer can name every bad field. Call `throwIssues` when all steps ran.
 */
export function collectIssue<T>(issues: FieldIssue[], step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation_failed' && error.details.issues) {
      issues.push(...error.details.issues);
      return undefined;
    }
    throw error;
  }
}

export function throwIssues(issues: FieldIssue[]): void {
  if (issues.length === 0) return;
  throw new AppError('validation_failed', `Invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, { issues });
}
