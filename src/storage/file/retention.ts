/**
 * Which segments retention may delete. Retention is a prefix: walking fragments in number order,
 * every segment before the one holding the first fragment that is still wanted (server timestamp
 * >= cutoff) goes; if no fragment is wanted, every segment goes, the active one included.
 * Pure planning; must not touch files or LMDB.
 */
import type { IndexedFragment } from './lmdb-env.js';
import type { SegmentInfo } from './segment-files.js';

export interface RetentionPlan {
  /** Segment bases to delete. */
  bases: Set<number>;
  /** Index entries of the fragments inside those segments. */
  doomed: IndexedFragment[];
}

export function planRetention(
  entries: Iterable<IndexedFragment>,
  segments: readonly SegmentInfo[],
  cutoffMs: number,
): RetentionPlan {
  let keepFrom: number | undefined;
  const expired: IndexedFragment[] = [];
  for (const entry of entries) {
    if (entry.serverTimestampMs >= cutoffMs) {
      keepFrom = entry.seg;
      break;
    }
    expired.push(entry);
  }
  const goes = (base: number): boolean => keepFrom === undefined || base < keepFrom;
  return {
    bases: new Set(segments.filter((s) => goes(s.base)).map((s) => s.base)),
    doomed: expired.filter((e) => goes(e.seg)),
  };
}
