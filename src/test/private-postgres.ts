import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries Debian's packages installed, if any. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

/** A PostgreSQL server of a test's own, which it may stop, restart and crash without disturbing anyone else. */
export interface PrivatePostgres {
  /** postgres:// URL of its `postgres` database, as the superuser. */
  url: string;
  port: number;
  stop(mode: ShutdownMode): Promise<void>;
  start(): Promise<void>;
  /** What maintenance and failover do: `pg_ctl restart -m <mode>`. */
  restart(mode: ShutdownMode): Promise<void>;
  /** Stops it (immediately) and removes its data directory. */
  destroy(): Promise<void>;
}

/**
 * initdb + pg_ctl in a temporary directory on a free port. PostgreSQL refuses to run as root,
 * so as root every command runs as the `postgres` user (`runuser`), which owns the directory.
 */
export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'rapport-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const dataDir = join(dir, 'data');
  const command = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const port = await freePort();
  await command('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  // The machine does not crash, only the server, so fsync can go; synchronous_commit must
  // stay on: an immediate shutdown would lose commits still in WAL buffers.
  const options = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${dir}'`,
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c shared_buffers=16MB',
    '-c max_connections=40',
  ].join(' ');
  const log = join(dir, 'server.log');
  const start = async () => {
    await command('pg_ctl', ['-D', dataDir, '-l', log, '-o', options, '-w', '-t', '30', 'start']);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: async (mode) => {
      await command('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
    },
    start,
    restart: async (mode) => {
      await command('pg_ctl', ['-D', dataDir, '-l', log, '-o', options, '-m', mode, '-w', '-t', '30', 'restart']);
    },
    async destroy() {
      await command('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
