import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { sql, type Kysely } from 'kysely';
import type { Actor } from '../../auth/actor.js';
import { workspaceCountry } from '../../customers/identities.js';
import { retryWhileUnavailable } from '../../db/outage.js';
import type { DB, JsonValue } from '../../db/tables.js';
import { AppError, fromDatabaseError } from '../../errors.js';
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
}

type Item = { row: number; record: ImportRow } | RejectedRow;

const RETRYABLE = new Set(['23505', '40001', '40P01']);

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

/** Imports one batch in a transaction, each row behind a savepoint; a lost race re-runs the batch. */
async function importBatch(
  db: Kysely<DB>,
  actor: Actor,
  country: string,
  importer: RowImporter,
  batch: Array<{ row: number; record: ImportRow }>,
): Promise<{ outcomes: RowOutcome[]; rejected: RejectedRow[] }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const outcomes: RowOutcome[] = [];
        const rejected: RejectedRow[] = [];
        for (const item of batch) {
          await sql`savepoint import_row`.execute(trx);
          try {
            outcomes.push(await importer(trx, actor, country, item.record));
            await sql`release savepoint import_row`.execute(trx);
          } catch (error) {
            const code = (error as { code?: unknown } | null)?.code;
            if (typeof code === 'string' && RETRYABLE.has(code)) throw error;
            await sql`rollback to savepoint import_row`.execute(trx);
            rejected.push({ row: item.row, reason: reasonOf(error) });
          }
        }
        return { outcomes, rejected };
      });
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= 5 || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
    }
  }
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
  const flush = async () => {
    if (batch.length === 0) return;
    // A batch is one transaction and importers recognise what they stored, so a batch the
    // database's restart cut off is simply run again: a long import rides through.
    const { outcomes, rejected } = await retryWhileUnavailable(() => importBatch(db, actor, country, importer, batch));
    for (const outcome of outcomes) summary[outcome]++;
    for (const row of rejected) await reject(row);
    batch = [];
  };
  for await (const item of options.format === 'csv' ? csvItems(input) : ndjsonItems(input)) {
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
