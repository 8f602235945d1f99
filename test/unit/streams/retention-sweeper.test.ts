/** The retention sweeper deletes what fell out of each stream's window, and nothing else. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_IDENTITY } from '../../../src/core/config.js';
import { silentLogger } from '../../../src/core/logger.js';
import { noopMetrics } from '../../../src/core/metrics.js';
import { formatFragmentNumber } from '../../../src/core/fragment-number.js';
import { openMemoryStorage } from '../../../src/storage/index.js';
import { RetentionSweeper, ZERO_RETENTION_BUFFER_MS } from '../../../src/streams/retention-sweeper.js';
import { StreamService } from '../../../src/streams/stream-service.js';

const HOUR = 3600_000;

test('fragments older than DataRetentionInHours (or 5 min for retention 0) are swept', async () => {
  let now = 10 * HOUR;
  const clock = { now: () => now };
  const storage = await openMemoryStorage();
  const streams = new StreamService(storage.meta, clock, DEFAULT_IDENTITY);
  const oneHour = await streams.create({ streamName: 'one-hour', dataRetentionInHours: 1 });
  const zero = await streams.create({ streamName: 'zero', dataRetentionInHours: 0 });
  const { fragments } = storage;
  let counter = 1n;
  const add = async (streamId: string, serverTimestampMs: number) => {
    const headerId = await fragments.putHeader(streamId, {
      ebmlHeader: new Uint8Array([1]),
      segmentHeader: new Uint8Array([2]),
    });
    const fragmentNumber = formatFragmentNumber(counter++);
    await fragments.appendFragment(
      streamId,
      headerId,
      {
        fragmentNumber,
        producerTimestampMs: serverTimestampMs,
        serverTimestampMs,
        durationMs: 1000,
        startsWithKeyFrame: true,
        clusterTimecode: 0,
      },
      [new Uint8Array([3])],
    );
    return fragmentNumber;
  };
  const oldHour = await add(oneHour.streamId, now - 2 * HOUR);
  const freshHour = await add(oneHour.streamId, now - 10 * 60_000);
  const oldZero = await add(zero.streamId, now - ZERO_RETENTION_BUFFER_MS - 1000);
  const freshZero = await add(zero.streamId, now - 1000);

  const deleted: Record<string, number> = {};
  const metrics = {
    ...noopMetrics,
    retentionDeleted: (stream: string, bytes: number) => (deleted[stream] = (deleted[stream] ?? 0) + bytes),
  };
  const sweeper = new RetentionSweeper(streams, fragments, clock, silentLogger, 10, metrics);
  await new Promise((r) => setTimeout(r, 60));
  await sweeper.stop();
  assert.equal(fragments.getFragment(oneHour.streamId, oldHour), undefined);
  assert.ok(fragments.getFragment(oneHour.streamId, freshHour));
  assert.equal(fragments.getFragment(zero.streamId, oldZero), undefined);
  assert.ok(fragments.getFragment(zero.streamId, freshZero));
  // Each swept fragment held one payload byte; the metric reports bytes deleted per stream.
  assert.deepEqual(deleted, { 'one-hour': 1, zero: 1 });
  now += 0; // clock untouched: the sweep used the injected clock, not Date.now()
  await storage.close();
});
