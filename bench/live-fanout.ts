/**
 * Benchmark 3: live fan-out. A producer sends one ~100 kB fragment (12 frames of 8 kB, 0.5 s)
 * every 500 ms on one PutMedia connection; 1, 100 and 1000 GetMedia NOW readers follow the
 * stream. Latency is from the producer receiving a fragment's PERSISTED ACK to a reader receiving
 * the last byte of that fragment's chunk (the end of its CONTINUATION_TOKEN tag), both clocks in
 * this one client process, so client-side queueing is included (an upper bound). Server CPU per
 * delivered chunk is the server's CPU over a window less its CPU over a producer-only window.
 * Then RSS per idle reader: server RSS (after GC) with 1000 NOW readers parked at the live edge of
 * a quiet stream minus RSS before they connected, divided by 1000, on a fresh server per run.
 *
 *   node dist/bench/live-fanout.js [--quick] [--runs N] [--set readers=100] [--set fragments=N]
 */
import { clusterTemplate, producerHeader } from './lib/mkv.js';
import { createStream, getMediaRequest, PutMediaConnection, ResponseCounter } from './lib/http.js';
import { isMain, runAlone, tempDir, type BenchOptions } from './lib/options.js';
import { cpuSeconds, startServer, type BenchServer } from './lib/server.js';
import { quantile, row, type ResultRow } from './lib/stats.js';
import { connect, type Socket } from 'node:net';
import { putFragments } from './ingest.js';

const MARKER = Buffer.from('AWS_KINESISVIDEO_CONTINUATION_TOKEN');
/** After the TagName payload: TagString ID (2 bytes) + 4-byte size + the 47-digit number. */
const VALUE_SKIP = 6;
const NUMBER_DIGITS = 47;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A GetMedia NOW reader that notes when each chunk's last byte arrived. */
class Reader {
  readonly socket: Socket;
  readonly lastByteAt = new Map<string, number>();
  chunks = 0;
  failed: string | undefined;
  #counter = new ResponseCounter();
  #tail = Buffer.alloc(0);
  #number: Buffer | undefined;
  #numberLen = 0;
  #skip = 0;

  constructor(port: number, request: Buffer) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.once('connect', () => this.socket.write(request));
    this.#counter.onBody = (d) => this.#scan(d);
    this.socket.on('data', (d: Buffer) => {
      this.#counter.push(d);
      if (this.#counter.status >= 300) this.failed = `HTTP ${this.#counter.status}`;
    });
    this.socket.on('error', (err) => (this.failed = err.message));
  }

  get connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.socket.connecting) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
  }

  #scan(d: Buffer): void {
    let pos = 0;
    if (this.#number) pos = this.#collect(d, 0);
    while (pos < d.length) {
      // The marker may straddle the previous piece: look in tail + head first.
      let at = -1;
      if (this.#tail.length > 0 && pos === 0) {
        const joined = Buffer.concat([this.#tail, d.subarray(0, MARKER.length - 1)]);
        const j = joined.indexOf(MARKER);
        if (j >= 0) at = j + MARKER.length - this.#tail.length; // index in d just past the marker
      }
      if (at < 0) {
        const i = d.indexOf(MARKER, pos);
        if (i < 0) break;
        at = i + MARKER.length;
      }
      this.#number = Buffer.alloc(NUMBER_DIGITS);
      this.#numberLen = 0;
      this.#skip = VALUE_SKIP;
      this.#tail = Buffer.alloc(0);
      pos = this.#collect(d, at);
    }
    this.#tail = Buffer.from(d.subarray(Math.max(0, d.length - (MARKER.length - 1))));
  }

  /** Collects the token's digits from d[pos..]; returns the position after what it used. */
  #collect(d: Buffer, pos: number): number {
    const skip = Math.min(this.#skip, d.length - pos);
    this.#skip -= skip;
    pos += skip;
    if (this.#skip > 0) return d.length;
    const n = Math.min(NUMBER_DIGITS - this.#numberLen, d.length - pos);
    d.copy(this.#number!, this.#numberLen, pos, pos + n);
    this.#numberLen += n;
    pos += n;
    if (this.#numberLen === NUMBER_DIGITS) {
      this.lastByteAt.set(this.#number!.toString('latin1'), performance.now());
      this.chunks++;
      this.#number = undefined;
    }
    return pos;
  }

  close(): void {
    this.socket.destroy();
  }
}

async function connectReaders(server: BenchServer, stream: string, count: number): Promise<Reader[]> {
  const request = getMediaRequest(`127.0.0.1:${server.port}`, stream, { StartSelectorType: 'NOW' });
  const readers: Reader[] = [];
  // Batches of 50 keep the listen backlog from overflowing (a dropped SYN costs a 1 s retry).
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, () => new Reader(server.port, request));
    await Promise.all(batch.map((r) => r.connected));
    readers.push(...batch);
  }
  return readers;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A producer at 2 fragments/s on its own connection; `persistedAt` maps fragment number → ACK time. */
class LiveProducer {
  readonly persistedAt = new Map<string, number>();
  readonly order: string[] = [];
  #conn: PutMediaConnection;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  error: string | undefined;

  constructor(server: BenchServer, stream: string) {
    this.#conn = new PutMediaConnection(server.port, stream, producerHeader());
    this.#conn.onAck = (ack, at) => {
      if (ack.EventType === 'PERSISTED' && ack.FragmentNumber) {
        this.persistedAt.set(ack.FragmentNumber, at);
        this.order.push(ack.FragmentNumber);
      }
      if (ack.EventType === 'ERROR') this.error = JSON.stringify(ack);
    };
    const template = clusterTemplate(12, 8000, 500);
    const t0 = performance.now();
    const tc0 = Date.now();
    let i = 0;
    const tick = (): void => {
      if (this.#stopped) return;
      void this.#conn.send([template.head(tc0 + i * 500), template.blocks]);
      i++;
      // Scheduled against the start time, so the rate does not drift.
      this.#timer = setTimeout(tick, Math.max(0, t0 + i * 500 - performance.now()));
    };
    tick();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#conn.end();
    this.#conn.socket.destroy();
  }
}

export async function fanoutBench(options: BenchOptions): Promise<ResultRow[]> {
  const windows = options.runs || (options.quick ? 1 : 3);
  const perWindow = options.set.fragments ?? (options.quick ? 6 : 20);
  const readerCounts = options.set.readers ? [options.set.readers] : [1, 100, 1000];
  const rows: ResultRow[] = [];
  const dir = tempDir(options, 'fanout');
  const server = await startServer(dir.path, { cpuProfileDir: options.profileDir });
  let producer: LiveProducer | undefined;
  try {
    await createStream(server.origin, 'live');
    producer = new LiveProducer(server, 'live');
    await waitFor('first PERSISTED', () => producer!.order.length > 0, 10_000);
    // Server CPU of the producer alone over one window, subtracted from the windows with readers.
    const p0 = (await server.stats()).cpu;
    const baseFrom = producer.order.length;
    await waitFor(
      'baseline window',
      () => producer!.order.length >= baseFrom + perWindow,
      perWindow * 500 + 30_000,
    );
    await sleep(1000);
    const producerOnly = cpuSeconds(p0, (await server.stats()).cpu);
    for (const count of readerCounts) {
      options.log(`fan-out: ${count} NOW readers, ${windows} × ${perWindow} fragments`);
      const readers = await connectReaders(server, 'live', count);
      try {
        // Warm-up: every reader has its first chunk and one more live fragment went by.
        await waitFor(
          `${count} readers' first chunk`,
          () => readers.every((r) => r.chunks > 0 || r.failed),
          60_000,
        );
        const failed = readers.find((r) => r.failed);
        if (failed) throw new Error(`reader failed: ${failed.failed}`);
        const p50s: number[] = [];
        const p99s: number[] = [];
        const maxes: number[] = [];
        let missing = 0;
        let samples = 0;
        const serverUs: number[] = [];
        const clientUs: number[] = [];
        for (let w = 0; w < windows; w++) {
          const s0 = (await server.stats()).cpu;
          const c0 = process.cpuUsage();
          const from = producer.order.length + 1; // skip a fragment possibly in flight at the start
          await waitFor('window', () => producer!.order.length >= from + perWindow, perWindow * 500 + 30_000);
          await sleep(1000); // let the last fragment reach every reader
          if (producer.error) throw new Error(`producer: ${producer.error}`);
          const s1 = (await server.stats()).cpu;
          const c1 = process.cpuUsage();
          // CPU per delivered chunk, less what the producer alone cost over a window as long.
          const deliveries = perWindow * count;
          serverUs.push(((cpuSeconds(s0, s1) - producerOnly) * 1e6) / deliveries);
          clientUs.push((cpuSeconds(c0, c1) * 1e6) / deliveries);
          const latencies: number[] = [];
          for (const fn of producer.order.slice(from, from + perWindow)) {
            const acked = producer.persistedAt.get(fn)!;
            for (const r of readers) {
              const at = r.lastByteAt.get(fn);
              if (at === undefined) missing++;
              else latencies.push(at - acked);
            }
          }
          samples += latencies.length;
          p50s.push(quantile(latencies, 0.5));
          p99s.push(quantile(latencies, 0.99));
          maxes.push(Math.max(...latencies));
          options.log(
            `  window ${w + 1}: p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
          );
          for (const r of readers) r.lastByteAt.clear();
        }
        const note = `${samples} samples${missing ? `, ${missing} missing` : ''}`;
        rows.push(row('fan-out', `${count} readers, PERSISTED → last byte p50`, 'ms', p50s));
        rows.push(
          row('fan-out', `${count} readers, PERSISTED → last byte p99`, 'ms', p99s, {
            ...(count === 100 ? { goal: '≤ 20', atMost: 20 } : {}),
            note,
          }),
        );
        // With one reader the producer's own CPU dominates and the difference is noise.
        if (count >= 100)
          rows.push(
            row('fan-out', `${count} readers, server CPU per delivered chunk`, 'µs', serverUs, {
              note: `producer-only CPU subtracted; client (this process) ${clientUs.map((x) => x.toFixed(0)).join(', ')} µs per chunk`,
            }),
          );
        if (missing > 0)
          rows.push(row('fan-out', `${count} readers, deliveries missing`, 'count', [missing]));
      } finally {
        for (const r of readers) r.close();
        await sleep(500);
      }
    }
  } finally {
    producer?.stop();
    await server.stop();
    dir.remove();
  }
  rows.push(...(await idleReaderMemory(options)));
  return rows;
}

/** Server RSS and heap per idle NOW reader, fresh server per run. */
async function idleReaderMemory(options: BenchOptions): Promise<ResultRow[]> {
  const runs = options.runs || (options.quick ? 1 : 3);
  const count = options.set.idleReaders ?? 1000;
  const rss: number[] = [];
  const heap: number[] = [];
  for (let r = 0; r < runs; r++) {
    const dir = tempDir(options, 'idle');
    const server = await startServer(dir.path);
    let readers: Reader[] = [];
    try {
      await createStream(server.origin, 'quiet');
      await putFragments(server, 'quiet', clusterTemplate(12, 8000, 500), 1, 30_000);
      const settle = async (): Promise<NodeJS.MemoryUsage> => {
        await sleep(500);
        await server.gc();
        await sleep(200);
        return (await server.stats()).memory;
      };
      const before = await settle();
      readers = await connectReaders(server, 'quiet', count);
      await waitFor('idle readers parked', () => readers.every((x) => x.chunks > 0 || x.failed), 60_000);
      const after = await settle();
      rss.push((after.rss - before.rss) / count / 1024);
      heap.push((after.heapUsed + after.external - before.heapUsed - before.external) / count / 1024);
      options.log(`idle readers: ${rss.at(-1)!.toFixed(1)} KiB RSS per reader`);
    } finally {
      for (const x of readers) x.close();
      await server.stop();
      dir.remove();
    }
  }
  return [
    row('fan-out', `server RSS per idle NOW reader (${count})`, 'KiB', rss, { goal: '≤ 64', atMost: 64 }),
    row('fan-out', `server heap+external per idle reader`, 'KiB', heap),
  ];
}

if (isMain(import.meta.url)) await runAlone('live-fanout', fanoutBench);
