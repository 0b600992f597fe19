import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor.js';
import { workspaceCountry } from '../../customers/identities.js';
import { retryWhileUnavailable } from '../../db/outage.js';
import type { DB } from '../../db/schema.js';
import type { JsonValue } from '../../db/columns.js';
import { transactionWithRetry } from '../../db/retry.js';
import { inSavepoint } from '../../db/savepoint.js';
import { AppError, fromDatabaseError } from '../../errors.js';
import { FREE_JSON_LIMITS, findInputIssue } from '../../http/input-guard.js';
import { IMPORTERS, type ImportType, type RowImporter, type RowOutcome } from './entities.js';
import type { ImportRow } from './fields.js';

export type ImportFormat = 'csv' | 'ndjson';

/** A row that was not imported: its line in the file and why. */
export interface RejectedRow {
  row: number;
  reason: string;
}

export interface ImportSummary {
  type: ImportType;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportOptions {
  type: ImportType;
  format: ImportFormat;
  /** Rows per transaction (default 200). */
  batchSize?: number;
  /** Bytes of the file read so far, for a progress bar. */
  onProgress?: (bytes: number) => void;
  onRejected?: (rejected: RejectedRow) => void | Promise<void>;
  /** A batch failed for a reason other than its rows (the database, a bug): it was rolled back and its rows reported. */
  onBatchFailed?: (error: unknown, rows: { from: number; to: number }) => void;
}

type Item = { row: number; record: ImportRow } | RejectedRow;

/** Why a row was refused; anything else (a lost connection, a bug) stops the import. */
function reasonOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  const mapped = fromDatabaseError(error);
  if (mapped && mapped.code === 'validation_failed') return mapped.message;
  throw error;
}

async function* csvItems(input: Readable): AsyncGenerator<Item> {
  const skipped: RejectedRow[] = [];
  const parser = input.pipe(
    parse({
      columns: (header: string[]) => header.map((name) => name.trim()),
      bom: true,
      skip_empty_lines: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        if (error) skipped.push({ row: Number((error as CsvError & { lines?: number }).lines ?? 0), reason: error.message });
        return undefined;
      },
    }),
  );
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    while (skipped.length) yield skipped.shift() as RejectedRow;
    yield { row: item.info.lines, record: item.record };
  }
  while (skipped.length) yield skipped.shift() as RejectedRow;
}

async function* ndjsonItems(input: Readable): AsyncGenerator<Item> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    let value: JsonValue;
    try {
      value = JSON.parse(text) as JsonValue;
    } catch (error) {
      yield { row: line, reason: `not valid JSON: ${(error as Error).message}` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) yield { row: line, reason: 'each line must be a JSON object' };
    else yield { row: line, record: value };
  }
}

/** The edge guard's check, per row: text PostgreSQL cannot store, or nesting past the limit, refuses the row by its line. */
function guarded(item: Item): Item {
  if ('reason' in item) return item;
  const issue = findInputIssue(item.record, FREE_JSON_LIMITS.depth);
  return issue ? { row: item.row, reason: `${issue.path} ${issue.message}` } : item;
}

/** Why a whole batch was rolled back, in words that name no table or column. */
function batchFailure(error: unknown, from: number, to: number): string {
  const code = (error as { code?: unknown } | null)?.code;
  const cause = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? `the database refused it (${code})` : 'an unexpected error';
  return `not imported: the batch of lines ${from}–${to} was rolled back whole after ${cause}; nothing of it was kept, import the file again`;
}

/** Imports one batch in a transaction, each row behind a savepoint; a lost race re-runs the batch. */
async function importBatch(
  db: Kysely<DB>,
  actor: Actor,
  country: string,
  importer: RowImporter,
  batch: Array<{ row: number; record: ImportRow }>,
): Promise<{ outcomes: RowOutcome[]; rejected: RejectedRow[] }> {
  return transactionWithRetry(db, async (trx) => {
    const outcomes: RowOutcome[] = [];
    const rejected: RejectedRow[] = [];
    for (const item of batch) {
      const imported = await inSavepoint(trx, () => importer(trx, actor, country, item.record));
      if ('value' in imported) outcomes.push(imported.value);
      else rejected.push({ row: item.row, reason: reasonOf(imported.error) });
    }
    return { outcomes, rejected };
  });
}

/**
 * Streams a CSV or NDJSON file of one entity type into the workspace, in batches: memory
 * holds one batch whatever the file's size. Refused rows are reported (line and reason)
 * while the good ones load; every importer recognises what it already stored, so the same
 * file imported again changes nothing.
 */
export async function importStream(db: Kysely<DB>, actor: Actor, input: Readable, options: ImportOptions): Promise<ImportSummary> {
  const importer = IMPORTERS[options.type];
  const country = await workspaceCountry(db, actor.workspaceId);
  const batchSize = options.batchSize ?? 200;
  const summary: ImportSummary = { type: options.type, rows: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 };
  let bytes = 0;
  if (options.onProgress) {
    const report = options.onProgress;
    input.on('data', (chunk: Buffer | string) => report((bytes += chunk.length)));
  }
  const reject = async (rejected: RejectedRow) => {
    summary.rejected++;
    await options.onRejected?.(rejected);
  };
  let batch: Array<{ row: number; record: ImportRow }> = [];
  // Set once a batch failed: the rest of the file is read and reported, not written, so that an
  // outage past the retries' patience does not cost that patience again for every batch.
  let stopped: string | undefined;
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    if (stopped) {
      for (const item of rows) await reject({ row: item.row, reason: stopped });
      return;
    }
    let result: Awaited<ReturnType<typeof importBatch>>;
    try {
      // A batch is one transaction and importers recognise what they stored, so a batch the
      // database's restart cut off is simply run again: a long import rides through.
      result = await retryWhileUnavailable(() => importBatch(db, actor, country, importer, rows));
    } catch (error) {
      // The batch's transaction is rolled back: report its rows so that the answer says what
      // was not kept; every importer recognises what it stored, so running the file again is safe.
      const from = rows[0]?.row ?? 0;
      const to = rows[rows.length - 1]?.row ?? from;
      options.onBatchFailed?.(error, { from, to });
      const reason = batchFailure(error, from, to);
      for (const item of rows) await reject({ row: item.row, reason });
      stopped = `not imported: the import stopped after the batch of lines ${from}–${to} failed; import the file again`;
      return;
    }
    for (const outcome of result.outcomes) summary[outcome]++;
    for (const row of result.rejected) await reject(row);
  };
  for await (const raw of options.format === 'csv' ? csvItems(input) : ndjsonItems(input)) {
    const item = guarded(raw);
    summary.rows++;
    if ('reason' in item) await reject(item);
    else {
      batch.push(item);
      if (batch.length >= batchSize) await flush();
    }
  }
  await flush();
  return summary;
}
