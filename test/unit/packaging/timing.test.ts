/** decodeTimes: the decode-time derivation (timing.ts) on random reorderings with bounded depth. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeTimes } from '../../../src/packaging/index.js';

test('x264 B-pyramid pattern: dts is the presentation order delayed by two frames', () => {
  // Decode order I0 P4 B2 b1 b3 P8 B6 b5 b7 (40 ms frames at 90 kHz).
  const pts = [0, 4, 2, 1, 3, 8, 6, 5, 7].map((f) => f * 3600);
  const { dts, durations } = decodeTimes(pts, 3600);
  assert.deepEqual(
    dts,
    [-2, -1, 0, 1, 2, 3, 4, 5, 6].map((f) => f * 3600),
  );
  assert.deepEqual(durations, new Array(9).fill(3600));
});

test('without reordering dts = pts', () => {
  const { dts, durations } = decodeTimes([10, 20, 30], undefined, 7);
  assert.deepEqual(dts, [10, 20, 30]);
  assert.deepEqual(durations, [10, 10, 7]);
});

test('random reorderings: dts ≤ pts, non-decreasing, and the next fragment continues', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer(),
      (n, depth, seed) => {
        // Presentation order 0..n-1; decode order: swap frames within windows of depth+1 (B-frames).
        const order = Array.from({ length: n }, (_, i) => i);
        let s = seed;
        for (let i = 1; i + depth < n; i += depth + 1) {
          s = (s * 1103515245 + 12345) | 0;
          if (depth > 0 && s & 1) {
            const anchor = order.splice(i + depth, 1)[0]!;
            order.splice(i, 0, anchor); // the reference frame is decoded before the B-frames it anchors
          }
        }
        const pts = order.map((f) => f * 100);
        const { dts, durations } = decodeTimes(pts, 100);
        for (let i = 0; i < n; i++) {
          assert.ok(dts[i]! <= pts[i]!, `dts ${dts[i]} > pts ${pts[i]}`);
          if (i > 0) assert.ok(dts[i]! >= dts[i - 1]!);
        }
        const reorder = dts[0]! < 0 ? -dts[0]! / 100 : 0;
        // A next fragment with the same reorder depth starts at n·100 − reorder·100.
        assert.equal(dts[n - 1]! + durations[n - 1]!, n * 100 - reorder * 100);
      },
    ),
  );
});
