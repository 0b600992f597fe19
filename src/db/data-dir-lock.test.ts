import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirectoryInUseError, LOCK_FILE } from './data-dir-lock.js';
import { openDatabase } from './database.js';
import { freePort } from '../test/ports.js';

// Embedded PGlite only: these tests always use a data directory of their own, whatever
// RAPPORT_TEST_DATABASE_URL says.
const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', 'cli.ts');
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-lock-'));
  env = { ...process.env, RAPPORT_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rapport(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', cli, ...args], { env, timeout: 90_000 });
}

/** Runs the CLI and returns how it ended, failure included. */
async function outcome(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await rapport(...args);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('one process per embedded data directory', () => {
  it('refuses a CLI change and a second server while `serve` runs, naming its pid; both work once it stops', async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--port', String(await freePort())], { env });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 90_000;
      // The start line and the guarantee line are written separately: wait for both.
      const started = () => output.includes('Rapport is running') && output.includes('Embedded PGlite:');
      while (!started() && Date.now() < deadline && server.exitCode === null) await sleep(100);
      expect(output).toContain('Rapport is running');
      expect(output, 'serve says what embedded PGlite guarantees').toContain(
        'Embedded PGlite: acknowledged writes are synced to disk (they survive a crash or power loss); this process alone owns the data directory',
      );
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(server.pid));

      const key = await outcome('create-api-key', '--workspace', 'lock-test');
      expect(key.code).toBe(1);
      expect(key.stdout).toBe('');
      expect(key.stderr).toContain(`rapport: The data directory ${dir} is in use by another Rapport process (pid ${server.pid}, since `);
      const second = await outcome('serve', '--port', String(await freePort()));
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`(pid ${server.pid}, since `);
      expect(server.exitCode, 'the running server is unharmed').toBeNull();
    } finally {
      const exited = server.exitCode === null ? once(server, 'exit') : Promise.resolve([server.exitCode]);
      server.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code, output).toBe(0);
    }
    expect(existsSync(join(dir, LOCK_FILE)), 'the server removes its lock when it stops').toBe(false);
    const workspace = await outcome('create-workspace', '--name', 'Lock Test');
    expect(workspace.code, workspace.stderr).toBe(0);
    expect(workspace.stdout).toContain('Created workspace Lock Test (lock-test)');
  }, 240_000);

  it('takes over the lock of a process that died without removing it', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await once(dead, 'exit');
    writeFileSync(join(dir, LOCK_FILE), `${dead.pid}\n${hostname()}\n2026-01-01T00:00:00.000Z\n`);
    const migrated = await outcome('migrate');
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain('Schema is up to date');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  }, 120_000);

  it('refuses a second open in the same process until the first is closed', async () => {
    const first = await openDatabase({ dataDir: dir });
    try {
      const second = openDatabase({ dataDir: dir });
      await expect(second).rejects.toBeInstanceOf(DataDirectoryInUseError);
      await expect(second).rejects.toThrow(`(pid ${process.pid}, since `);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir: dir });
    await again.close();
  }, 120_000);
});
