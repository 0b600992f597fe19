import { fsyncSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

// PGlite 0.5 starts PostgreSQL with `-F` (fsync = off), and even with fsync on nothing would
// reach the disk: Emscripten's NODEFS, which maps the data directory onto the host's files,
// has no fsync of its own (fsync() does nothing there) and its fdatasync() is a no-op. So a
// commit was written to the OS's page cache only, and an OS crash or power loss could take
// acknowledged data with it. Measured with strace over 200 single-row commits: 0 fsync or
// fdatasync calls before; with what follows, 247 fsync calls (one per commit on the WAL,
// the rest at checkpoint), and 0.72 -> 0.86 ms per commit on this machine's disk.

interface StreamOps {
  fsync?: (stream: { nfd?: unknown }) => number;
}

function streamOpsOf(fs: unknown): StreamOps | undefined {
  const ops = (fs as { stream_ops?: unknown } | null)?.stream_ops;
  return typeof ops === 'object' && ops !== null ? (ops as StreamOps) : undefined;
}

/** NODEFS with an fsync that syncs the host file (PostgreSQL's own fsync calls: WAL at commit, data files at checkpoint). */
class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS['init']>[1]) {
    const { emscriptenOpts } = await super.init(pg, opts);
    const preRun = [
      ...(emscriptenOpts.preRun ?? []),
      (mod: { NODEFS: unknown }) => {
        const ops = streamOpsOf(mod.NODEFS);
        if (!ops) throw new Error('PGlite changed: NODEFS has no stream operations to make durable');
        ops.fsync = (stream) => {
          if (typeof stream.nfd === 'number') fsyncSync(stream.nfd);
          return 0;
        };
      },
    ];
    return { emscriptenOpts: { ...emscriptenOpts, preRun } };
  }
}

/**
 * PGlite options for a data directory whose commits are on disk when they return: fsync on
 * (PGlite's `-F` dropped), WAL synced with fsync() (the one sync call NODEFS can carry), and
 * NODEFS's fsync made real.
 */
export function durableDataDirOptions(dataDir: string): { fs: NodeFS; startParams: string[] } {
  return {
    fs: new DurableNodeFS(dataDir),
    startParams: [...PGlite.defaultStartParams.filter((param) => param !== '-F'), '-c', 'fsync=on', '-c', 'wal_sync_method=fsync'],
  };
}
