/**
 * Timelines against a real (memory) fragment store: which fragments a playlist lists per mode,
 * de-duplication, late fragments, ordinals that stay stable across reloads, discontinuities,
 * LIVE_REPLAY pacing, and fragments removed by retention.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatFragmentNumber } from '../../../src/core/fragment-number.js';
import type { PlaybackSession } from '../../../src/playback/session.js';
import { buildTimeline, TimelineCache } from '../../../src/playback/timeline.js';
import { MemoryFragmentStore } from '../../../src/storage/index.js';

const fn = (i: number): string => formatFragmentNumber(1_700_000_000_000_000n + BigInt(i));
const STREAM = 's1';

async function store(
  frags: { producer: number; server?: number; duration?: number; header?: number }[],
): Promise<MemoryFragmentStore> {
  const s = new MemoryFragmentStore();
  await s.open();
  const h1 = await s.putHeader(STREAM, { ebmlHeader: Buffer.from('e'), segmentHeader: Buffer.from('one') });
  const h2 = await s.putHeader(STREAM, { ebmlHeader: Buffer.from('e'), segmentHeader: Buffer.from('two') });
  let i = 0;
  for (const f of frags) {
    i++;
    await s.appendFragment(
      STREAM,
      f.header === 2 ? h2 : h1,
      {
        fragmentNumber: fn(i),
        producerTimestampMs: f.producer,
        serverTimestampMs: f.server ?? 1_000_000 + i * 1000,
        durationMs: f.duration ?? 1000,
        startsWithKeyFrame: true,
        clusterTimecode: f.producer,
      },
      [Buffer.from(`payload ${i}`)],
    );
  }
  return s;
}

const base = (over: Partial<PlaybackSession>): PlaybackSession => ({
  kind: 'HLS',
  id: Math.random().toString(36),
  streamId: STREAM,
  streamArn: 'arn',
  mode: 'ON_DEMAND',
  clock: 'PRODUCER',
  container: 'FRAGMENTED_MP4',
  discontinuity: 'NEVER',
  displayTimestamp: false,
  displayFragmentNumber: false,
  maxResults: 1000,
  headerId: 1,
  origin: { wallMs: 0, producerMs: 0 },
  createdMs: 0,
  expiresMs: Number.MAX_SAFE_INTEGER,
  ...over,
});

const numbers = (entries: { meta: { fragmentNumber: string } }[]): number[] =>
  entries.map((e) => Number(e.meta.fragmentNumber.slice(-3)));

describe('ON_DEMAND', () => {
  test('oldest MaxResults in the inclusive range, by producer time, duplicates → newest number', async () => {
    // 4 and 5 share a start time (5 re-sent later): only 5 is listed.
    const s = await store([
      { producer: 1000 },
      { producer: 3000 },
      { producer: 2000 },
      { producer: 4000 },
      { producer: 4000 },
      { producer: 9000 },
    ]);
    const t = buildTimeline(s, base({ startMs: 1000, endMs: 4000 }), 0);
    assert.deepEqual(numbers(t.entries), [1, 3, 2, 5]);
    assert.deepEqual(
      t.entries.map((e) => e.sequence),
      [0, 1, 2, 3],
    );
    assert.equal(t.complete, true);
    const capped = buildTimeline(s, base({ startMs: 0, endMs: 10_000, maxResults: 2 }), 0);
    assert.deepEqual(numbers(capped.entries), [1, 3]);
  });

  test('SERVER_TIMESTAMP keeps fragments with equal producer times', async () => {
    const s = await store([
      { producer: 1000, server: 10 },
      { producer: 1000, server: 20 },
    ]);
    const t = buildTimeline(s, base({ clock: 'SERVER', startMs: 0, endMs: 100 }), 0);
    assert.deepEqual(numbers(t.entries), [1, 2]);
  });

  test('discontinuities: ALWAYS marks every fragment, ON_DISCONTINUITY gaps over 50 ms and codec changes', async () => {
    const s = await store([
      { producer: 0 },
      { producer: 1040 }, // 40 ms gap: continuous
      { producer: 2100 }, // 60 ms gap
      { producer: 3100, header: 2 }, // new codec private data
    ]);
    const on = buildTimeline(s, base({ startMs: 0, endMs: 5000, discontinuity: 'ON_DISCONTINUITY' }), 0);
    assert.deepEqual(
      on.entries.map((e) => e.discontinuity),
      [false, false, true, true],
    );
    const always = buildTimeline(s, base({ startMs: 0, endMs: 5000, discontinuity: 'ALWAYS' }), 0);
    assert.deepEqual(
      always.entries.map((e) => e.discontinuities),
      [1, 2, 3, 4],
    );
    const never = buildTimeline(s, base({ startMs: 0, endMs: 5000, discontinuity: 'NEVER' }), 0);
    assert.deepEqual(
      never.entries.map((e) => e.discontinuity),
      [false, false, false, true],
    );
  });
});

describe('LIVE', () => {
  test('a sliding window of the newest fragments from the anchor; late fragments never back-filled', async () => {
    const s = await store([{ producer: 0 }, { producer: 1000 }, { producer: 2000 }]);
    const cache = new TimelineCache();
    const session = base({
      mode: 'LIVE',
      maxResults: 2,
      anchor: { serverTimestampMs: 1_002_000, fragmentNumber: fn(2) },
    });
    assert.deepEqual(numbers(buildTimeline(s, session, 0, cache).entries), [2, 3]);
    const append = (i: number, producer: number): Promise<unknown> =>
      s.appendFragment(
        STREAM,
        1,
        {
          fragmentNumber: fn(i),
          producerTimestampMs: producer,
          serverTimestampMs: 1_000_000 + i * 1000,
          durationMs: 1000,
          startsWithKeyFrame: true,
          clusterTimecode: 0,
        },
        [Buffer.from('x')],
      );
    await append(4, 1500); // late: older than fragment 3
    await append(5, 3000);
    const t = buildTimeline(s, session, 0, cache);
    assert.deepEqual(numbers(t.entries), [3, 5]);
    assert.deepEqual(
      t.entries.map((e) => e.sequence),
      [1, 2],
    );
    assert.equal(t.complete, false);
    // A process without the cache (another node, or after a restart) computes the same list.
    const fresh = buildTimeline(s, session, 0, new TimelineCache());
    assert.deepEqual(
      fresh.entries.map((e) => [e.sequence, e.meta.fragmentNumber]),
      t.entries.map((e) => [e.sequence, e.meta.fragmentNumber]),
    );
  });

  test('fragments removed by retention drop out of the playlist', async () => {
    const s = await store([{ producer: 0 }, { producer: 1000 }, { producer: 2000 }]);
    const session = base({
      mode: 'LIVE',
      maxResults: 5,
      anchor: { serverTimestampMs: 0, fragmentNumber: fn(1) },
    });
    const cache = new TimelineCache();
    assert.equal(buildTimeline(s, session, 0, cache).entries.length, 3);
    await s.applyRetention(STREAM, 1_002_500);
    assert.deepEqual(numbers(buildTimeline(s, session, 0, cache).entries), [3]);
  });
});

describe('LIVE_REPLAY', () => {
  test('fragments are released as the durations before them elapse; ENDLIST once a past range is done', async () => {
    const s = await store([
      { producer: 0, duration: 2000 },
      { producer: 2000, duration: 2000 },
      { producer: 4000 },
      { producer: 9000 },
    ]);
    const session = base({ mode: 'LIVE_REPLAY', startMs: 0, endMs: 5000, maxResults: 5, createdMs: 100_000 });
    const cache = new TimelineCache();
    const at = (ms: number): ReturnType<typeof buildTimeline> =>
      buildTimeline(s, session, 100_000 + ms, cache);
    assert.deepEqual(numbers(at(0).entries), [1]);
    assert.deepEqual(numbers(at(1999).entries), [1]);
    assert.deepEqual(numbers(at(2000).entries), [1, 2]);
    const done = at(4000);
    assert.deepEqual(numbers(done.entries), [1, 2, 3]);
    assert.equal(done.complete, true);
  });

  test('without EndTimestamp the window slides and never completes', async () => {
    const s = await store([{ producer: 0 }, { producer: 1000 }, { producer: 2000 }]);
    const session = base({ mode: 'LIVE_REPLAY', startMs: 0, maxResults: 2, createdMs: 0 });
    const t = buildTimeline(s, session, 10_000, new TimelineCache());
    assert.deepEqual(numbers(t.entries), [2, 3]);
    assert.equal(t.entries[0]!.sequence, 1);
    assert.equal(t.complete, false);
  });
});
