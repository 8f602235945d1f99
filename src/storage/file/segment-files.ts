/**
 * Naming and directory plumbing of segment files, shared by the writer, the reader and recovery:
 * <dataDir>/streams/<streamId>/<16-digit base>.seg, where the base is the logical byte position
 * of the segment's first record in the stream's log (previous segment's base + its size), so a
 * (segment, offset) pair is one monotonically increasing number: base + offset.
 * Must not know the record format.
 */
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT_RE = /^(\d{16})\.seg$/;

export interface SegmentInfo {
  base: number;
  size: number;
}

export function segmentName(base: number): string {
  return `${base.toString().padStart(16, '0')}.seg`;
}

export function segmentPath(dir: string, base: number): string {
  return join(dir, segmentName(base));
}

/** The stream's segments, oldest first, with their current sizes. Missing directory = none. */
export async function listSegments(dir: string): Promise<SegmentInfo[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const segments: SegmentInfo[] = [];
  for (const name of names) {
    const match = SEGMENT_RE.exec(name);
    if (!match?.[1]) continue;
    const base = Number(match[1]);
    segments.push({ base, size: (await stat(join(dir, name))).size });
  }
  return segments.sort((a, b) => a.base - b.base);
}

/**
 * fsyncs a directory so a created, renamed or deleted entry in it survives a power loss (POSIX
 * makes the file's own fsync say nothing about its directory entry).
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
