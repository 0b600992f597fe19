import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Extra node flags for the server process (a profiler, say), from RAPPORT_BENCH_SERVER_NODE_ARGS. */
const serverNodeArgs = (process.env.RAPPORT_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * Starts the built `rapport serve` as a child process on a port (quiet logs, no ingest rate
 * limit, `env` on top) and waits until /readyz answers, at most a minute.
 */
export async function startServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...serverNodeArgs, fileURLToPath(new URL('../bin/rapport.js', import.meta.url)), 'serve', '--port', String(port)],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', RAPPORT_INGEST_RATE_LIMIT: '1000000', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  for (let i = 0; i < 300; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return child;
  }
  child.kill();
  throw new Error('the server did not become ready');
}

/** Stops a server started by startServer and waits for it to exit (SIGTERM drains it). */
export async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
