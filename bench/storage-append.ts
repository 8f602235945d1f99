/**
 * Micro benchmark of FragmentStore.appendFragment on the file backend: 1 MiB fragments, durable
 * (fdatasync group commit) versus not, sequential and with several appends in flight, plus the
 * memory backend for reference. Run: npx tsc -b && node dist/bench/storage-append.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFragmentNumber } from '../src/core/fragment-number.js';
import { openFileStorage, openMemoryStorage, type Storage } from '../src/storage/index.js';

const FRAGMENT_BYTES = 1024 * 1024;
const COUNT = Number(process.env.BENCH_FRAGMENTS ?? 200);
// Four 256 KiB slices, as an ingest session would hand them over.
const slices = Array.from({ length: 4 }, (_, k) => Buffer.alloc(FRAGMENT_BYTES / 4, k + 1));

async function measure(label: string, storage: Storage, durable: boolean, inFlight: number): Promise<void> {
  const store = storage.fragments;
  const streamId = `bench-${label.replace(/\W+/g, '-')}`;
  const headerId = await store.putHeader(streamId, {
    ebmlHeader: Buffer.from('e'),
    segmentHeader: Buffer.from('s'),
  });
  const syncsBefore = (store as { stats?: { syncs: number } }).stats?.syncs ?? 0;
  const started = process.hrtime.bigint();
  const pending = new Set<Promise<unknown>>();
  for (let i = 1; i <= COUNT; i++) {
    const p = store.appendFragment(
      streamId,
      headerId,
      {
        fragmentNumber: formatFragmentNumber(BigInt(i)),
        producerTimestampMs: i * 1000,
        serverTimestampMs: i * 1000,
        durationMs: 1000,
        startsWithKeyFrame: true,
        clusterTimecode: 0,
      },
      slices,
      { durable },
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
    if (pending.size >= inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const syncs = ((store as { stats?: { syncs: number } }).stats?.syncs ?? 0) - syncsBefore;
  const mbps = (COUNT * FRAGMENT_BYTES) / 1024 / 1024 / seconds;
  console.log(
    `${label.padEnd(34)} ${mbps.toFixed(0).padStart(6)} MiB/s  ${(COUNT / seconds).toFixed(0).padStart(6)} fragments/s  ${syncs} fdatasync`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'kvideo-bench-'));
try {
  const file = await openFileStorage({ dataDir: dir });
  await measure('file, durable, 1 in flight', file, true, 1);
  await measure('file, durable, 8 in flight', file, true, 8);
  await measure('file, not durable, 1 in flight', file, false, 1);
  await measure('file, not durable, 8 in flight', file, false, 8);
  await file.close();
  const memory = await openMemoryStorage();
  await measure('memory, 1 in flight', memory, true, 1);
  await memory.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
