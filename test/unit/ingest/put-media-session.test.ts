/**
 * PutMediaSession on its own (memory store, a PassThrough as the body), for the cases a real socket
 * cannot produce on demand: a body whose end was received but whose stream closed before 'end'
 * (a reset right after the terminating chunk), a store that starts failing with fragments in flight
 * (full disk), and a server shutdown in the middle of a fragment.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { AckEvent } from '../../../src/api/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { IngestRegistry } from '../../../src/ingest/ingest-registry.js';
import { KVS_INGEST_LIMITS } from '../../../src/ingest/limits.js';
import { PutMediaSession, type RunOptions } from '../../../src/ingest/put-media-session.js';
import { openMemoryStorage, type FragmentStore } from '../../../src/storage/index.js';
import { DEFAULT_IDENTITY } from '../../../src/core/config.js';
import { StreamService } from '../../../src/streams/stream-service.js';
import { cluster, ebmlHeader, segmentHead } from '../../helpers/mkv-stream.js';
import { concatBytes } from '../../../src/mkv/writer.js';

const HEADER = concatBytes([ebmlHeader(), segmentHead(1)]);
const clusterAt = (i: number): Uint8Array =>
  cluster({
    timecode: 1000 * i,
    blocks: [
      { rel: 0, key: true, size: 200 },
      { rel: 500, size: 100 },
    ],
  });

async function setup(wrap?: (store: FragmentStore) => FragmentStore) {
  const storage = await openMemoryStorage();
  const streams = new StreamService(storage.meta, systemClock, DEFAULT_IDENTITY);
  const stream = await streams.create({ streamName: 's', dataRetentionInHours: 1 });
  const fragments = wrap ? wrap(storage.fragments) : storage.fragments;
  const registry = new IngestRegistry(storage.fragments, systemClock, {
    putMediaCallsPerSecond: 100,
    putMediaConnectionsPerStream: 1,
  });
  const acks: AckEvent[] = [];
  const session = new PutMediaSession({
    stream,
    input: { StreamName: 's', FragmentTimecodeType: 'ABSOLUTE', AcknowledgmentRequired: true },
    fragments,
    registry,
    clock: systemClock,
    limits: KVS_INGEST_LIMITS,
    logger: silentLogger,
    emit: (ack) => acks.push(ack),
  });
  const stored = (): number => {
    let n = 0;
    for (let f = storage.fragments.earliest(stream.streamId); f;) {
      n += 1;
      f = storage.fragments.fragmentAfter(stream.streamId, f.fragmentNumber);
    }
    return n;
  };
  return {
    session,
    acks,
    stored,
    run: (body: PassThrough, options?: RunOptions) => session.run(body, options),
  };
}

const of = (acks: AckEvent[], type: string): string[] =>
  acks.filter((a) => a.EventType === type).map((a) => a.FragmentNumber!);

for (const complete of [true, false]) {
  test(`the body stream closes before 'end' (a reset), end received: ${complete}`, async () => {
    const { acks, stored, run } = await setup();
    const body = new PassThrough();
    const done = run(body, { bodyComplete: () => complete });
    body.write(concatBytes([HEADER, ...Array.from({ length: 10 }, (_, i) => clusterAt(i))]));
    // What node does when the socket resets after the parser saw the terminating chunk: the
    // request is destroyed and 'end' never comes.
    setImmediate(() => body.destroy());
    await done;
    // With the end received the last (tenth) fragment is complete; without it, it may be cut.
    assert.equal(stored(), complete ? 10 : 9);
    assert.equal(of(acks, 'PERSISTED').length, complete ? 10 : 9);
    assert.deepEqual(of(acks, 'RECEIVED'), of(acks, 'PERSISTED'));
  });
}

test('a store that fails with fragments in flight: every RECEIVED fragment gets PERSISTED or ERROR', async () => {
  let calls = 0;
  const { acks, run } = await setup((store) => {
    // The fourth and later appends fail, like a disk that just filled up (ENOSPC).
    const appendFragment: FragmentStore['appendFragment'] = (...args) => {
      calls += 1;
      return calls >= 4 ? Promise.reject(new Error('ENOSPC')) : store.appendFragment(...args);
    };
    return new Proxy(store, {
      get: (target, key) => {
        if (key === 'appendFragment') return appendFragment;
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  });
  const body = new PassThrough();
  const done = run(body);
  body.end(concatBytes([HEADER, ...Array.from({ length: 12 }, (_, i) => clusterAt(i))]));
  await done;
  const received = of(acks, 'RECEIVED');
  assert.ok(received.length >= 4, `received ${received.length}`);
  const persisted = new Set(of(acks, 'PERSISTED'));
  const errored = new Set(
    acks.filter((a) => a.EventType === 'ERROR' && a.FragmentNumber).map((a) => a.FragmentNumber!),
  );
  assert.equal(persisted.size, 3);
  for (const n of received) {
    assert.ok(persisted.has(n) !== errored.has(n), `${n} ends with exactly one of PERSISTED, ERROR`);
  }
  for (const a of acks.filter((x) => x.EventType === 'ERROR')) {
    assert.deepEqual([a.ErrorId, a.ErrorCode], [5001, 'ARCHIVAL_ERROR']);
  }
});

test('shutdown mid-fragment: RECEIVED fragments PERSISTED, the open one ERROR 5000, then the session ends', async () => {
  const { session, acks, stored, run } = await setup();
  const body = new PassThrough();
  const done = run(body);
  const fourth = clusterAt(3);
  body.write(concatBytes([HEADER, clusterAt(0), clusterAt(1), clusterAt(2), fourth.subarray(0, 40)]));
  await new Promise((r) => setImmediate(r));
  session.shutdown();
  await done;
  assert.equal(stored(), 3);
  assert.equal(of(acks, 'PERSISTED').length, 3);
  const buffering = of(acks, 'BUFFERING');
  const last = acks.at(-1)!;
  assert.deepEqual(last, {
    EventType: 'ERROR',
    FragmentTimecode: 3000,
    FragmentNumber: buffering[3],
    ErrorId: 5000,
    ErrorCode: 'INTERNAL_ERROR',
  });
  // The body is no longer read after the shutdown.
  assert.ok(body.isPaused());
});
