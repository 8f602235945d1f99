/**
 * The one definition of FragmentStore.findByTimestamp, shared by every backend so they cannot
 * drift apart. A backend supplies three O(log n) seeks over its (timestamp, fragment number)
 * index for one stream and clock; this module decides which fragment "contains" a time.
 * Must not know how the index is stored.
 */
import type { FragmentMeta } from './types.js';

export interface TimeIndexSeeks {
  /** Greatest start timestamp <= t, or undefined. */
  lastStartAtOrBefore(t: number): number | undefined;
  /** Fragment number of the lowest-numbered fragment starting exactly at `ts`. */
  firstAt(ts: number): string | undefined;
  /** Lowest-numbered fragment among those with the smallest start > t. */
  firstAfter(t: number): string | undefined;
  get(fragmentNumber: string): FragmentMeta | undefined;
}

/**
 * The fragment whose [start, start + duration) contains t, else the first fragment starting after
 * t. Only the fragment(s) with the greatest start <= t are considered as containing t (ties go to
 * the lowest fragment number): with overlapping fragments (producer timestamps that jump back)
 * an earlier-starting, longer fragment that also covers t is not found, which keeps this O(log n).
 */
export function findContaining(seeks: TimeIndexSeeks, t: number): FragmentMeta | undefined {
  const start = seeks.lastStartAtOrBefore(t);
  if (start !== undefined) {
    const number = seeks.firstAt(start);
    const candidate = number === undefined ? undefined : seeks.get(number);
    if (candidate && t < start + candidate.durationMs) return candidate;
  }
  const after = seeks.firstAfter(t);
  return after === undefined ? undefined : seeks.get(after);
}
