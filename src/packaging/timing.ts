/**
 * Decode times from presentation times: the one place that owns this (design.md Part 2 "Timestamps").
 *
 * Matroska blocks carry presentation times and are stored in decode order; fMP4 (tfdt, trun composition
 * offsets), MPEG-TS (PES DTS) and progressive MP4 (stts/ctts) need decode times. With R = the largest
 * number of positions any frame is decoded ahead of its presentation rank (the reorder depth; 2 for
 * libx264's default B-pyramid), the decode time of the i-th frame is the (i − R)-th presentation time
 * in sorted order, and the first R frames step back from the earliest presentation time by the nominal
 * frame duration. This is exactly what H.264/H.265 encoders emit and what ffmpeg reconstructs when it
 * reads such Matroska (test/unit/packaging compares with ffprobe), it keeps dts ≤ pts, and it depends
 * only on the fragment itself, so every fragment can be packaged alone: for a constant frame rate and
 * reorder depth, the next fragment's first dts follows the last dts + duration of this one.
 */

export interface DecodeTimes {
  dts: number[];
  /** dts[i+1] − dts[i]; the last one is `lastDuration` or the nominal frame duration. */
  durations: number[];
}

/**
 * @param pts presentation times in decode order (integer ticks)
 * @param nominal nominal frame duration in ticks, if the track declares one
 * @param lastDuration explicit duration of the last frame (BlockDuration), if known
 */
export function decodeTimes(pts: readonly number[], nominal?: number, lastDuration?: number): DecodeTimes {
  const n = pts.length;
  if (n === 0) return { dts: [], durations: [] };
  const order = Array.from(pts.keys()).sort((a, b) => pts[a]! - pts[b]! || a - b);
  const sorted = order.map((i) => pts[i]!);
  let reorder = 0;
  for (let rank = 0; rank < n; rank++) reorder = Math.max(reorder, order[rank]! - rank);
  // Smallest positive step between presentation times: the frame duration when none is declared.
  let step = Infinity;
  for (let i = 1; i < n; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > 0 && d < step) step = d;
  }
  const frame = nominal ?? (step === Infinity ? (lastDuration ?? 1) : step);
  const dts = new Array<number>(n);
  for (let i = 0; i < n; i++)
    dts[i] = i >= reorder ? sorted[i - reorder]! : sorted[0]! - (reorder - i) * frame;
  const durations = new Array<number>(n);
  for (let i = 0; i + 1 < n; i++) durations[i] = dts[i + 1]! - dts[i]!;
  durations[n - 1] = lastDuration ?? frame;
  return { dts, durations };
}
