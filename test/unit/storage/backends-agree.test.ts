/**
 * Property test: for random fragment sets (timestamps out of order, ties, zero durations, gaps),
 * the memory and file backends answer timestamp and number queries identically, and both agree
 * with a brute-force reference of the documented findByTimestamp/listByTimestamp semantics.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import {
  openFileStorage,
  openMemoryStorage,
  type FragmentMeta,
  type Storage,
  type TimestampCursor,
} from '../../../src/storage/index.js';
import { fn, header, input, payloadBytes, slicesOf } from '../../contract/fragment-fixtures.js';
import { tempDir } from '../../contract/temp-dir.js';

const byTimeThenNumber = (ts: (m: FragmentMeta) => number) => (a: FragmentMeta, b: FragmentMeta) =>
  ts(a) - ts(b) || (a.fragmentNumber < b.fragmentNumber ? -1 : 1);

function referenceFind(all: FragmentMeta[], ts: (m: FragmentMeta) => number, t: number): string | undefined {
  const sorted = [...all].sort(byTimeThenNumber(ts));
  const atOrBefore = sorted.filter((m) => ts(m) <= t);
  const greatest = atOrBefore.at(-1);
  if (greatest) {
    const first = atOrBefore.find((m) => ts(m) === ts(greatest))!;
    if (t < ts(first) + first.durationMs) return first.fragmentNumber;
  }
  return sorted.find((m) => ts(m) > t)?.fragmentNumber;
}

const tmp = tempDir();
let memory: Storage;
let file: Storage;
let run = 0;
before(async () => {
  memory = await openMemoryStorage();
  file = await openFileStorage({ dataDir: tmp.dir, segmentBytes: 2048 });
});
after(async () => {
  await memory.close();
  await file.close();
  tmp.remove();
});

test('memory and file backends agree with the reference', async () => {
  const fragment = fc.record({
    pts: fc.integer({ min: 0, max: 40 }),
    dur: fc.integer({ min: 0, max: 15 }),
    size: fc.integer({ min: 0, max: 400 }),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(fragment, { minLength: 1, maxLength: 20 }),
      fc.array(fc.integer({ min: -5, max: 70 }), { minLength: 1, maxLength: 10 }),
      fc.integer({ min: 1, max: 4 }),
      async (fragments, times, pageSize) => {
        const streamId = `prop-${++run}`;
        const metas: FragmentMeta[] = [];
        for (const storage of [memory, file]) {
          const hid = await storage.fragments.putHeader(streamId, header('p'));
          for (const [k, f] of fragments.entries()) {
            const i = k + 1;
            const meta = await storage.fragments.appendFragment(
              streamId,
              hid,
              input(i, { producerTimestampMs: f.pts, serverTimestampMs: 1000 + i * 10, durationMs: f.dur }),
              slicesOf(payloadBytes(i, f.size)),
            );
            if (storage === memory) metas.push(meta);
          }
        }
        for (const [clock, ts] of [
          ['PRODUCER', (m: FragmentMeta) => m.producerTimestampMs],
          ['SERVER', (m: FragmentMeta) => m.serverTimestampMs],
        ] as const) {
          for (const t0 of times) {
            const t = clock === 'SERVER' ? 1000 + t0 * 3 : t0;
            const expected = referenceFind(metas, ts, t);
            assert.equal(
              memory.fragments.findByTimestamp(streamId, clock, t)?.fragmentNumber,
              expected,
              `memory ${clock} ${t}`,
            );
            assert.equal(
              file.fragments.findByTimestamp(streamId, clock, t)?.fragmentNumber,
              expected,
              `file ${clock} ${t}`,
            );
          }
          const [lo, hi] = [Math.min(...times), Math.max(...times)].map((t) =>
            clock === 'SERVER' ? 1000 + t * 3 : t,
          ) as [number, number];
          const expected = metas
            .filter((m) => ts(m) >= lo && ts(m) <= hi)
            .sort(byTimeThenNumber(ts))
            .map((m) => m.fragmentNumber);
          for (const storage of [memory, file]) {
            const got: string[] = [];
            let cursor: TimestampCursor | undefined;
            for (;;) {
              const page = storage.fragments.listByTimestamp(streamId, clock, lo, hi, pageSize, cursor);
              if (page.length === 0) break;
              got.push(...page.map((m) => m.fragmentNumber));
              const last = page.at(-1)!;
              cursor = { timestampMs: ts(last), fragmentNumber: last.fragmentNumber };
            }
            assert.deepEqual(got, expected);
          }
        }
        for (let i = 0; i <= fragments.length; i++) {
          const number = i === 0 ? '0' : fn(i);
          assert.deepEqual(
            file.fragments.fragmentAfter(streamId, number),
            memory.fragments.fragmentAfter(streamId, number),
          );
        }
      },
    ),
    { numRuns: 40 },
  );
});
