import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * One process owns an embedded (PGlite) data directory. PGlite keeps no lock of its own,
 * and two processes writing one directory lose each other's writes (or worse), so the
 * owner's pid is kept in `rapport.lock` inside it while the database is open.
 */
export const LOCK_FILE = 'rapport.lock';
/** A take-over left behind by a process that died in the middle of one is ignored after this long. */
const TAKEOVER_STALE_MS = 10_000;

interface Owner {
  pid: number;
  host: string;
  since: string;
}

export class DataDirectoryInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: Owner,
  ) {
    const where = owner.host === hostname() ? '' : ` on host ${owner.host}`;
    super(
      `The data directory ${dataDir} is in use by another Rapport process (pid ${owner.pid}${where}, since ${owner.since}). ` +
        'Embedded PGlite allows one process per data directory: stop that process first, or make the change through its API. ' +
        `If no Rapport process is running there, delete ${join(dataDir, LOCK_FILE)}.`,
    );
    this.name = 'DataDirectoryInUseError';
  }
}

/** Lock files this process holds: a lock naming our own pid that is not among them was left by an earlier process (a container restarts with the same pid). */
const held = new Set<string>();

function readOwner(path: string): Owner | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const [pid, host, since] = text.split('\n');
  return { pid: Number(pid), host: host ?? '', since: since ?? '' };
}

function sameOwner(a: Owner, b: Owner): boolean {
  return a.pid === b.pid && a.host === b.host && a.since === b.since;
}

function isAlive(owner: Owner, path: string): boolean {
  // Another machine's pid cannot be checked from here (a data directory on a shared volume).
  if (owner.host !== hostname()) return true;
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  if (owner.pid === process.pid) return held.has(path);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock with its content in one step (a reader never sees it half written), or returns false if it exists. */
function tryCreate(path: string, content: string): boolean {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temporary, content);
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * Removes a lock left by a dead process. Two processes may find the same stale lock at once;
 * the take-over file lets one of them look again and remove it, so that neither removes a
 * lock the other has just made.
 */
function removeStale(path: string, stale: Owner): void {
  const guard = `${path}.takeover`;
  try {
    writeFileSync(guard, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(guard).mtimeMs > TAKEOVER_STALE_MS) unlinkSync(guard);
    } catch {
      // Gone meanwhile: the other process finished its take-over.
    }
    return;
  }
  try {
    const current = readOwner(path);
    if (current && sameOwner(current, stale)) unlinkSync(path);
  } finally {
    unlinkSync(guard);
  }
}

export interface DataDirectoryLock {
  release(): void;
}

/**
 * Makes this process the one owner of `dataDir`, or throws DataDirectoryInUseError naming the
 * owner. A lock whose process is gone (a crash, a kill -9) is taken over.
 */
export async function lockDataDirectory(dataDir: string): Promise<DataDirectoryLock> {
  const path = join(dataDir, LOCK_FILE);
  const mine: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const content = `${mine.pid}\n${mine.host}\n${mine.since}\n`;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (tryCreate(path, content)) {
      held.add(path);
      const releaseAtExit = () => release();
      const release = () => {
        process.off('exit', releaseAtExit);
        if (!held.delete(path)) return;
        const current = readOwner(path);
        if (current && sameOwner(current, mine)) unlinkSync(path);
      };
      process.on('exit', releaseAtExit);
      return { release };
    }
    const owner = readOwner(path);
    if (owner && isAlive(owner, path)) throw new DataDirectoryInUseError(dataDir, owner);
    if (owner) removeStale(path, owner);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Could not take the lock ${path}: other processes keep taking it over`);
}
