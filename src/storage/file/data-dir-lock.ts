/**
 * One server per data directory: two processes appending to the same segment files would corrupt
 * them (LMDB alone would allow it). The lock is a `LOCK` file holding the owner's pid, created
 * exclusively; a lock whose process is gone (kill -9, crash) is taken over, so recovery after a
 * crash needs no manual step.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new Error(`data directory ${dataDir} is in use by process ${owner}`, { cause: err });
      }
      // Stale (its process is gone) or our own leftover: remove it and try once more.
      unlinkSync(path);
    }
  }
  throw new Error(`could not lock data directory ${dataDir}`);
}
