import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT_INDEX = join(ROOT, 'dist/web/index.html');

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/**
 * Vitest global setup: the tests that open the browser app need it built. `npm run build`
 * (CI) builds it first; a newcomer who runs `npm test` straight away gets it built here, in a
 * few seconds, and so does anyone whose web/ sources changed since the last build.
 */
export default async function buildWebApp(): Promise<void> {
  const sources = [join(ROOT, 'web'), join(ROOT, 'vite.config.ts')];
  if (existsSync(BUILT_INDEX) && statSync(BUILT_INDEX).mtimeMs >= Math.max(...sources.map(newestChange))) return;
  const { build } = await import('vite');
  try {
    await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  } catch (error) {
    throw new Error(`Building the browser app for the tests failed (run "npx vite build" to see why): ${String(error)}`, { cause: error });
  }
}
