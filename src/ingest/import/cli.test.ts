import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema } from '../../test/database.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'rapport-import-'));
let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const url = process.env.RAPPORT_TEST_DATABASE_URL;
  if (url) {
    const { schema, drop } = await createTestSchema(url, 'import');
    const withSchema = new URL(url);
    withSchema.searchParams.set('options', `-c search_path=${schema},public`);
    env = { ...process.env, DATABASE_URL: withSchema.toString(), LOG_LEVEL: 'silent' };
    cleanup = drop;
  } else {
    env = { ...process.env, RAPPORT_DATA_DIR: join(dir, 'data'), DATABASE_URL: '', LOG_LEVEL: 'silent' };
    cleanup = async () => undefined;
  }
});
afterAll(async () => {
  await cleanup?.();
  rmSync(dir, { recursive: true, force: true });
});

function rapport(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', cli, ...args], { env, timeout: 60_000 });
}

describe('rapport import', () => {
  it('loads a CSV file, writes refused rows to a report, and changes nothing the second time', async () => {
    await rapport('create-workspace', '--name', 'Import Co', '--slug', 'import-co');
    const file = join(dir, 'customers.csv');
    writeFileSync(file, 'name,email,user_id\nAda,ada@example.com,u-1\nBad,nope,\nGrace,grace@example.com,u-2\n');
    const first = await rapport('import', file, '--workspace', 'import-co', '--type', 'customers');
    expect(first.stdout).toContain('Imported 3 customers rows: 2 created, 0 updated, 0 unchanged, 1 rejected');
    expect(first.stdout).toContain(`Rejected rows (line and reason) are in ${file}.rejected.csv`);
    expect(readFileSync(`${file}.rejected.csv`, 'utf8')).toBe('row,reason\n3,"/email: ""nope"" is not a valid email address"\n');
    rmSync(`${file}.rejected.csv`);

    const good = join(dir, 'good.csv');
    writeFileSync(good, 'name,email,user_id\nAda,ada@example.com,u-1\nGrace,grace@example.com,u-2\n');
    const second = await rapport('import', good, '--workspace', 'import-co', '--type', 'customers');
    expect(second.stdout).toContain('Imported 2 customers rows: 0 created, 0 updated, 2 unchanged, 0 rejected');
    expect(existsSync(`${good}.rejected.csv`)).toBe(false);

    await expect(rapport('import', good, '--workspace', 'import-co', '--type', 'planets')).rejects.toMatchObject({
      stderr: expect.stringContaining("argument 'planets' is invalid"),
    });
  }, 120_000);
});
