/**
 * One server per data directory: two processes appending to the same segment files would corrupt
 * them (LMDB alone would allow it). The lock is an OS lock on the `LOCK` file (an open-file-
 * description lock through fs-native-extensions), held for as long as the descriptor is open:
 * the kernel releases it when the owner closes it, exits or is killed, so a crashed owner needs
 * no clean-up, and it holds across PID namespaces (two containers on one volume, both PID 1),
 * where the old pid-file check could not tell a live owner from its own leftover (issue #11).
 * The file is never deleted: a process that unlinked it could let a third one lock a new inode
 * while the owner still holds the old one. The pid written into it is for the error message only.
 */
import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tryLock } from 'fs-native-extensions';

/** Takes the lock or throws; returns the release function (closing the descriptor). */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'LOCK');
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  let locked = false;
  try {
    locked = tryLock(fd);
  } finally {
    if (!locked) closeSync(fd);
  }
  if (!locked) {
    let owner = 'another process';
    try {
      const pid = readFileSync(path, 'utf8').trim();
      if (/^[0-9]+$/.test(pid)) owner = `process ${pid}`;
    } catch {
      // unreadable: keep the generic wording
    }
    throw new Error(`data directory ${dataDir} is in use by ${owner} (LOCK is held)`);
  }
  ftruncateSync(fd, 0);
  writeSync(fd, String(process.pid), 0);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    closeSync(fd);
  };
}
