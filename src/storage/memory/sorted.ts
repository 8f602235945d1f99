/**
 * Binary search over sorted arrays, the memory backend's stand-in for an ordered index so its
 * lookups are O(log n) like the file backend's. Knows nothing about fragments.
 */

/** Index of the first element for which `compare(element) >= 0` (array sorted by compare). */
export function lowerBound<T>(items: readonly T[], compare: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(items[mid] as T) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element for which `compare(element) > 0`. */
export function upperBound<T>(items: readonly T[], compare: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(items[mid] as T) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A timestamp index entry: start time in one clock, then fragment number as the tie-breaker. */
export interface TimeKey {
  ts: number;
  fn: string;
}

export const compareTimeKeys = (a: TimeKey, b: TimeKey): number => a.ts - b.ts || compareStrings(a.fn, b.fn);
