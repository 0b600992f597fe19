import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Presets, SingleBar } from 'cli-progress';
import { systemActor } from '../../auth/actor.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { findWorkspace } from '../../workspaces/service.js';
import { IMPORT_TYPES, type ImportType } from './entities.js';
import { importStream, type ImportFormat, type ImportSummary } from './run-import.js';

export interface ImportFileOptions {
  workspace: string;
  type: ImportType;
  format?: ImportFormat;
  /** Where refused rows go (CSV: row, reason); `<file>.rejected.csv` by default, written only when a row is refused. */
  report?: string;
  progress?: boolean;
}

function formatOf(file: string, format: ImportFormat | undefined): ImportFormat {
  if (format) return format;
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(nd)?jsonl?$|\.ndjson$/i.test(file)) return 'ndjson';
  throw new AppError('validation_failed', `Cannot tell the format of ${file} from its name: pass --format csv or --format ndjson`);
}

const csvCell = (value: string | number) => (typeof value === 'number' ? String(value) : `"${value.replace(/"/g, '""')}"`);

/** `rapport import`: streams a file into a workspace with a progress bar on stderr and a report of refused rows. */
export async function importFile(
  database: Database,
  file: string,
  options: ImportFileOptions,
): Promise<ImportSummary & { report: string | null }> {
  if (!IMPORT_TYPES.includes(options.type)) throw new AppError('validation_failed', `--type must be one of ${IMPORT_TYPES.join(', ')}`);
  const format = formatOf(file, options.format);
  const size = statSync(file).size;
  const workspace = await findWorkspace(database.db, options.workspace);
  const reportPath = options.report ?? `${file}.rejected.csv`;
  let report: WriteStream | undefined;
  const bar = options.progress
    ? new SingleBar(
        {
          format: `Importing ${options.type} [{bar}] {percentage}% | {value}/{total} bytes | {eta_formatted} left`,
          stream: process.stderr,
        },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(size, 0);
  try {
    const summary = await importStream(database.db, systemActor(workspace.id, 'import'), createReadStream(file), {
      type: options.type,
      format,
      onProgress: (bytes) => bar?.update(bytes),
      onRejected: async (rejected) => {
        if (!report) {
          report = createWriteStream(reportPath);
          report.write('row,reason\n');
        }
        if (!report.write(`${csvCell(rejected.row)},${csvCell(rejected.reason)}\n`)) await once(report, 'drain');
      },
    });
    return { ...summary, report: report ? reportPath : null };
  } finally {
    bar?.stop();
    const open = report as WriteStream | undefined;
    if (open) await new Promise((resolve) => open.end(resolve));
  }
}
