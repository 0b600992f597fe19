import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from './seed/seed.js';
import { createTestSchema } from './test/database.js';
import { freePort } from './test/ports.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, 'cli.ts');
let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;

/** The CLI runs as a user would run it, against a data directory or a PostgreSQL schema of its own. */
beforeAll(async () => {
  const url = process.env.RAPPORT_TEST_DATABASE_URL;
  if (url) {
    const { schema, drop } = await createTestSchema(url, 'cli');
    const withSchema = new URL(url);
    withSchema.searchParams.set('options', `-c search_path=${schema},public`);
    env = { ...process.env, DATABASE_URL: withSchema.toString(), LOG_LEVEL: 'silent' };
    cleanup = drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-cli-'));
    env = { ...process.env, RAPPORT_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(async () => cleanup?.());

function rapport(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', cli, ...args], { env, timeout: 60_000 });
}

describe('the rapport CLI', () => {
  it('creates a workspace, a user who can sign in, and a key shown once', async () => {
    const migrated = await rapport('migrate');
    expect(migrated.stdout).toMatch(/Applied migrations 1|up to date/);
    const workspace = await rapport('create-workspace', '--name', 'Acme Telecom');
    expect(workspace.stdout).toMatch(/Created workspace Acme Telecom \(acme-telecom\) with id ws_/);
    const user = await rapport(
      'create-user',
      '--workspace',
      'acme-telecom',
      '--email',
      'Boss@Acme.test',
      '--name',
      'Boss',
      '--role',
      'admin',
      '--password',
      'a long password',
    );
    expect(user.stdout).toContain('Added boss@acme.test as admin');
    const key = await rapport('create-api-key', '--workspace', 'acme-telecom', '--kind', 'write');
    expect(key.stdout).toMatch(/^rk_write_\S+$/m);
  }, 120_000);

  it('explains bad input and exits non-zero', async () => {
    await expect(rapport('create-user', '--workspace', 'no-such-place', '--email', 'a@b.example', '--name', 'A')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Workspace no-such-place was not found'),
    });
    await expect(
      rapport('create-user', '--workspace', 'x', '--email', 'a@b.example', '--name', 'A', '--role', 'boss'),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/Allowed choices are admin, lead, analyst, agent/),
    });
  }, 120_000);

  it('has --help on every command', async () => {
    const commands = ['serve', 'migrate', 'seed', 'import', 'create-workspace', 'create-user', 'create-api-key', 'messages-worker'];
    const helps = await Promise.all(commands.map((command) => rapport(command, '--help')));
    for (const [i, command] of commands.entries()) expect(helps[i]?.stdout, command).toMatch(new RegExp(`Usage: rapport ${command}`));
  }, 120_000);

  it('serves the demo (browser app, API, sign-in) with `serve --demo`, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--demo', '--seed-size', '40', '--port', String(port)], {
      env,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes('Sign in at') && Date.now() < deadline && child.exitCode === null) await sleep(200);
      expect(output).toContain(`Sign in at http://127.0.0.1:${port} as ${DEMO_ADMIN_EMAIL}`);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const page = await fetch(`${base}/customers`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      const signIn = await fetch(`${base}/api/v1/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD }),
      });
      expect(signIn.status, await signIn.clone().text()).toBe(200);
    } finally {
      const exited = child.exitCode === null ? once(child, 'exit') : Promise.resolve([child.exitCode]);
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code, output).toBe(0);
    }
  }, 150_000);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
