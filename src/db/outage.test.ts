import { describe, expect, it } from 'vitest';
import { AppError, fromDatabaseError, isConnectionError } from '../errors.js';
import { backoffMs, retryWhileUnavailable } from './outage.js';

const pgError = (code: string, message = 'from the server') => Object.assign(new Error(message), { code });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('telling a database that cannot be reached from one that refused the statement', () => {
  const unreachable: Array<[string, unknown]> = [
    ['57P01 admin shutdown (pg_ctl -m fast)', pgError('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash shutdown (pg_ctl -m immediate)', pgError('57P02')],
    ['57P03 starting up or shutting down', pgError('57P03', 'the database system is starting up')],
    ['08006 connection failure', pgError('08006')],
    ['08001 cannot connect', pgError('08001')],
    ['ECONNREFUSED', socketError('ECONNREFUSED')],
    ['ECONNRESET', socketError('ECONNRESET')],
    ['the server closing the socket', new Error('Connection terminated unexpectedly')],
    ['the pool giving up on a connection', new Error('timeout exceeded when trying to connect')],
    ['a refused connection to every address of a host', new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')])],
    ['a failure wrapped with its cause', Object.assign(new Error('storing failed'), { cause: pgError('57P01') })],
  ];
  it.each(unreachable)('%s is a connection error, answered 503 unavailable', (_name, error) => {
    expect(isConnectionError(error)).toBe(true);
    const mapped = fromDatabaseError(error);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped?.code).toBe('unavailable');
    expect(mapped?.status).toBe(503);
  });

  it('leaves what the database refused to its own mapping', () => {
    expect(isConnectionError(pgError('23505'))).toBe(false);
    expect(fromDatabaseError(pgError('23505'))?.code).toBe('conflict');
    expect(isConnectionError(pgError('42P01'))).toBe(false);
    expect(fromDatabaseError(pgError('42P01'))).toBeUndefined();
    expect(isConnectionError(new Error('Connection string is wrong'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });
});

describe('retrying while the database is away', () => {
  it('runs the work again after connection errors and returns its result', async () => {
    let calls = 0;
    const retried: number[] = [];
    const result = await retryWhileUnavailable(
      async () => {
        calls++;
        if (calls < 3) throw pgError('57P03');
        return 'done';
      },
      { onRetry: (_error, failures) => retried.push(failures) },
    );
    expect(result).toBe('done');
    expect(retried).toEqual([1, 2]);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const refused = pgError('23505');
    await expect(
      retryWhileUnavailable(async () => {
        calls++;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('gives up once the outage outlasts its patience, and when stopped', async () => {
    const down = socketError('ECONNREFUSED');
    await expect(retryWhileUnavailable(() => Promise.reject(down), { patienceMs: 300 })).rejects.toBe(down);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(retryWhileUnavailable(() => Promise.reject(down), { signal: controller.signal })).rejects.toBe(down);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('backs off from a quarter second to the cap', () => {
    expect(backoffMs(1, 5000, () => 0.5)).toBe(250);
    expect(backoffMs(2, 5000, () => 0.5)).toBe(500);
    expect(backoffMs(10, 5000, () => 0.5)).toBe(5000);
    expect(backoffMs(10, 5000, () => 1)).toBe(6000);
  });
});
