/**
 * Benchmark 4: seek. Streams of 10k, 100k and 1M fragments are created through the API, then
 * filled directly through the FragmentStore API (openFileStorage + appendFragment with tiny
 * one-frame clusters, durable:false, many appends in flight) while no server runs. Then:
 * restart time (fork → listening, and store open → listening inside the child), and time to
 * first body byte of GetMedia with PRODUCER_TIMESTAMP and FRAGMENT_NUMBER selectors at random
 * positions, a new connection per request (the clock starts when the request is written).
 *
 *   node dist/bench/seek.js [--quick] [--runs N] [--set sizes=3] [--set seeks=N]
 */
import { randomInt } from 'node:crypto';
import { formatFragmentNumber } from '../src/core/fragment-number.js';
import { openFileStorage } from '../src/storage/index.js';
import { createStream, getMediaRequest, timedRead } from './lib/http.js';
import { producerHeader, tinyCluster } from './lib/mkv.js';
import { isMain, runAlone, tempDir, type BenchOptions } from './lib/options.js';
import { startServer } from './lib/server.js';
import { quantile, row, type ResultRow } from './lib/stats.js';

const T0_MS = Date.UTC(2024, 0, 1);
const COUNTER_BASE = BigInt(T0_MS) * 1000n;
const fragmentNumber = (i: number): string => formatFragmentNumber(COUNTER_BASE + BigInt(i));
const label = (n: number): string => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

async function populate(
  dataDir: string,
  sizes: number[],
  log: (m: string) => void,
): Promise<{ fragmentsPerSecond: number[] }> {
  const storage = await openFileStorage({ dataDir });
  const rates: number[] = [];
  try {
    const header = producerHeader();
    for (const n of sizes) {
      const record = storage.meta.getByName(`seek-${label(n)}`);
      if (!record) throw new Error(`stream seek-${label(n)} was not created`);
      const headerId = await storage.fragments.putHeader(record.streamId, {
        ebmlHeader: header.subarray(0, header.indexOf(Buffer.from([0x18, 0x53, 0x80, 0x67]))),
        segmentHeader: header.subarray(header.indexOf(Buffer.from([0x18, 0x53, 0x80, 0x67])) + 12),
      });
      const started = performance.now();
      // A counting window (Promise.race over hundreds of promises would cost O(window) per append).
      let inFlight = 0;
      let failure: unknown;
      let wake: (() => void) | undefined;
      const settle = (): void => {
        inFlight--;
        const w = wake;
        wake = undefined;
        w?.();
      };
      for (let i = 0; i < n; i++) {
        const p = storage.fragments.appendFragment(
          record.streamId,
          headerId,
          {
            fragmentNumber: fragmentNumber(i),
            producerTimestampMs: T0_MS + i * 1000,
            serverTimestampMs: T0_MS + i * 1000,
            durationMs: 1000,
            startsWithKeyFrame: true,
            clusterTimecode: i * 1000,
          },
          [tinyCluster(i * 1000)],
          { durable: false },
        );
        inFlight++;
        p.then(settle, (err: unknown) => {
          failure ??= err;
          settle();
        });
        while (inFlight >= 512) await new Promise<void>((resolve) => (wake = resolve));
        if (failure) throw failure;
        if (i > 0 && i % 200_000 === 0) log(`  ${label(n)}: ${i} appended`);
      }
      while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      const seconds = (performance.now() - started) / 1000;
      rates.push(n / seconds);
      log(`  seek-${label(n)}: ${n} fragments in ${seconds.toFixed(1)} s`);
    }
  } finally {
    await storage.close();
  }
  return { fragmentsPerSecond: rates };
}

export async function seekBench(options: BenchOptions): Promise<ResultRow[]> {
  const runs = options.runs || 3;
  const allSizes = [10_000, 100_000, 1_000_000];
  const sizes = allSizes.slice(0, options.set.sizes ?? (options.quick ? 2 : 3));
  const seeks = options.set.seeks ?? (options.quick ? 60 : 300);
  const dir = tempDir(options, 'seek');
  const rows: ResultRow[] = [];
  try {
    let server = await startServer(dir.path);
    for (const n of sizes) await createStream(server.origin, `seek-${label(n)}`);
    await server.stop();
    options.log(`seek: populating ${sizes.map(label).join(', ')} fragments through the store API`);
    const { fragmentsPerSecond } = await populate(dir.path, sizes, options.log);

    const spawnMs: number[] = [];
    const openMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      server = await startServer(dir.path);
      spawnMs.push(server.spawnToReadyMs);
      openMs.push(server.readyMs);
      if (r < runs - 1) await server.stop();
    }
    options.log(`seek: restart ${spawnMs.map((x) => x.toFixed(0)).join(', ')} ms`);
    try {
      // Random (size, selector, position) order, so drift in the machine's speed hits all alike.
      type Job = { n: number; selector: 'PRODUCER_TIMESTAMP' | 'FRAGMENT_NUMBER' };
      const jobs: Job[] = [];
      for (const n of sizes)
        for (let k = 0; k < seeks; k++)
          for (const selector of ['PRODUCER_TIMESTAMP', 'FRAGMENT_NUMBER'] as const)
            jobs.push({ n, selector });
      for (let i = jobs.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
      }
      const host = `127.0.0.1:${server.port}`;
      const results = new Map<string, number[]>();
      for (const { n, selector } of jobs) {
        const i = randomInt(n - 1);
        const start =
          selector === 'PRODUCER_TIMESTAMP'
            ? { StartSelectorType: selector, StartTimestamp: (T0_MS + i * 1000 + 500) / 1000 }
            : { StartSelectorType: selector, AfterFragmentNumber: fragmentNumber(i) };
        const read = await timedRead(server.port, getMediaRequest(host, `seek-${label(n)}`, start), {
          firstByteOnly: true,
          timeoutMs: 10_000,
        });
        if (!(read.firstByteMs >= 0)) throw new Error(`no first byte for ${selector} in seek-${label(n)}`);
        const key = `${selector} ${n}`;
        results.set(key, [...(results.get(key) ?? []), read.firstByteMs]);
      }
      for (const selector of ['PRODUCER_TIMESTAMP', 'FRAGMENT_NUMBER']) {
        for (const n of sizes) {
          const samples = results.get(`${selector} ${n}`)!;
          const isBig = n === 1_000_000;
          rows.push(
            row('seek', `${selector} TTFB, ${label(n)} fragments`, 'ms', samples, {
              ...(isBig ? { goal: '≤ 10', atMost: 10 } : {}),
              note: `p99 ${quantile(samples, 0.99).toFixed(2)} ms over ${samples.length} seeks`,
            }),
          );
        }
      }
    } finally {
      await server.stop();
    }
    rows.push(
      row('seek', `restart, fork → listening (${sizes.map(label).join('+')} fragments)`, 'ms', spawnMs),
      row('seek', `restart, store open + listen inside the child`, 'ms', openMs),
      row('seek', 'populate through FragmentStore (informational)', 'frag/s', fragmentsPerSecond, {
        note: sizes.map(label).join(', '),
      }),
    );
  } finally {
    dir.remove();
  }
  return rows;
}

if (isMain(import.meta.url)) await runAlone('seek', seekBench);
