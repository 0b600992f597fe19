import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';

// Embedded PGlite only: each test uses a data directory of its own, whatever
// RAPPORT_TEST_DATABASE_URL says.
const run = promisify(execFile);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-durable-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hasStrace(): boolean {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('a PGlite data directory is durable', () => {
  it('runs with fsync on, syncing the WAL with fsync()', async () => {
    const database = await openDatabase({ dataDir: join(dir, 'settings') });
    try {
      const setting = async (name: string) =>
        (await sql<Record<string, string>>`select current_setting(${name}) as value`.execute(database.db)).rows[0]?.value;
      expect(await setting('fsync')).toBe('on');
      expect(await setting('wal_sync_method')).toBe('fsync');
      expect(await setting('synchronous_commit')).toBe('on');
    } finally {
      await database.close();
    }
  }, 60_000);

  // What survives power loss is what the OS was told to put on disk before the commit returned.
  it.skipIf(!hasStrace())(
    'asks the OS to put every commit on disk (fsync system calls, seen by strace)',
    async () => {
      const commits = 20;
      const script = join(dir, 'commits.mts');
      writeFileSync(
        script,
        `import { sql } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'node_modules', 'kysely', 'dist', 'esm', 'index.js'))};
import { openDatabase } from ${JSON.stringify(join(import.meta.dirname, 'database.ts'))};
const database = await openDatabase({ dataDir: ${JSON.stringify(join(dir, 'traced'))} });
await sql\`create table t (n int)\`.execute(database.db);
for (let n = 0; n < ${commits}; n++) await sql\`insert into t values (\${n})\`.execute(database.db);
await database.close();
`,
      );
      const trace = join(dir, 'strace.txt');
      await run('strace', ['-f', '-qq', '-e', 'trace=fsync,fdatasync', '-o', trace, process.execPath, '--import', 'tsx', script], {
        timeout: 90_000,
      });
      const syncs = readFileSync(trace, 'utf8')
        .split('\n')
        .filter((line) => /\b(fsync|fdatasync)\(\d+\)\s+=\s+0/.test(line));
      expect(syncs.length).toBeGreaterThanOrEqual(commits);
    },
    120_000,
  );
});
