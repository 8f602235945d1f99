/**
 * Benchmark 1 (+ CPU per GB ingested): PutMedia throughput. One connection sends pre-made 1 MB
 * clusters (25 frames of 40 kB) as fast as the socket and the server's backpressure allow; the
 * clock stops at the last fragment's PERSISTED ACK (fdatasync'ed and indexed). Then 16 streams at
 * once, aggregate. Each run uses a new stream on one server; CPU is the server child's
 * process.cpuUsage() over the single-stream runs.
 *
 *   node dist/bench/ingest.js [--quick] [--runs N] [--set fragments=N] [--set fragments16=N]
 */
import { clusterTemplate, producerHeader, type ClusterTemplate } from './lib/mkv.js';
import { createStream, PutMediaConnection } from './lib/http.js';
import { isMain, runAlone, tempDir, type BenchOptions } from './lib/options.js';
import { cpuSeconds, startServer, type BenchServer } from './lib/server.js';
import { GB, MB, row, type ResultRow } from './lib/stats.js';

export const INGEST_FRAME_BYTES = 40_000;

/**
 * Sends `count` clusters on one new PutMedia connection; resolves with the time from the first
 * byte written to the last PERSISTED ACK, in milliseconds. Bounded by `timeoutMs`.
 */
export async function putFragments(
  server: BenchServer,
  streamName: string,
  template: ClusterTemplate,
  count: number,
  timeoutMs: number,
  startTimecode = Date.now(),
): Promise<{ ms: number; bytes: number }> {
  const header = producerHeader();
  const t0 = performance.now();
  const conn = new PutMediaConnection(server.port, streamName, header);
  let timer: NodeJS.Timeout | undefined;
  const persisted = new Promise<number>((resolve, reject) => {
    let n = 0;
    conn.onAck = (ack, at) => {
      if (ack.EventType === 'PERSISTED' && ++n === count) resolve(at);
      if (ack.EventType === 'ERROR') reject(new Error(`PutMedia ERROR ACK: ${JSON.stringify(ack)}`));
    };
    conn.done.then(
      () => reject(new Error(`PutMedia connection closed after ${n}/${count} PERSISTED`)),
      reject,
    );
    timer = setTimeout(
      () => reject(new Error(`PutMedia: ${n}/${count} PERSISTED after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  persisted.catch(() => undefined);
  try {
    for (let i = 0; i < count; i++) {
      if (conn.socket.destroyed) break;
      await conn.send([template.head(startTimecode + i * template.durationMs), template.blocks]);
    }
    conn.end();
    const end = await persisted;
    return { ms: end - t0, bytes: header.length + count * template.clusterBytes };
  } finally {
    clearTimeout(timer);
    conn.socket.destroy();
  }
}

export async function ingestBench(options: BenchOptions): Promise<ResultRow[]> {
  const runs = options.runs || 3;
  const fragments = options.set.fragments ?? (options.quick ? 100 : 1000);
  const perStream16 = options.set.fragments16 ?? (options.quick ? 8 : 64);
  const template = clusterTemplate(25, INGEST_FRAME_BYTES, 1000);
  const dir = tempDir(options, 'ingest');
  const server = await startServer(dir.path, { cpuProfileDir: options.profileDir });
  const single: number[] = [];
  const singleFps: number[] = [];
  const multi: number[] = [];
  const cpuPerGb: number[] = [];
  const cpuPerGb16: number[] = [];
  try {
    options.log(
      `ingest: ${runs} × 1 stream × ${fragments} fragments of ${(template.clusterBytes / MB).toFixed(3)} MB`,
    );
    for (let r = 0; r < runs; r++) {
      const name = `ingest-single-${r}`;
      await createStream(server.origin, name);
      const before = (await server.stats()).cpu;
      const { ms, bytes } = await putFragments(server, name, template, fragments, 600_000);
      const after = (await server.stats()).cpu;
      single.push(bytes / MB / (ms / 1000));
      singleFps.push(fragments / (ms / 1000));
      cpuPerGb.push(cpuSeconds(before, after) / (bytes / GB));
      options.log(`  run ${r + 1}: ${(bytes / MB / (ms / 1000)).toFixed(0)} MB/s`);
    }
    options.log(`ingest: ${runs} × 16 streams × ${perStream16} fragments`);
    for (let r = 0; r < runs; r++) {
      const names = Array.from({ length: 16 }, (_, i) => `ingest-multi-${r}-${i}`);
      for (const name of names) await createStream(server.origin, name);
      const before = (await server.stats()).cpu;
      const t0 = performance.now();
      const results = await Promise.all(
        names.map((n) => putFragments(server, n, template, perStream16, 600_000)),
      );
      const ms = performance.now() - t0;
      const after = (await server.stats()).cpu;
      const bytes = results.reduce((sum, x) => sum + x.bytes, 0);
      multi.push(bytes / MB / (ms / 1000));
      cpuPerGb16.push(cpuSeconds(before, after) / (bytes / GB));
      options.log(`  run ${r + 1}: ${(bytes / MB / (ms / 1000)).toFixed(0)} MB/s aggregate`);
    }
  } finally {
    await server.stop();
    dir.remove();
  }
  const size = `${fragments} × 1 MB`;
  return [
    row('ingest', `1 stream, ${size}, to last PERSISTED`, 'MB/s', single, {
      goal: '≥ 300',
      atLeast: 300,
    }),
    row('ingest', `1 stream, fragments/s`, 'frag/s', singleFps),
    row('ingest', `16 streams × ${perStream16} × 1 MB, aggregate`, 'MB/s', multi),
    row('cpu', 'server CPU per GB ingested (1 stream)', 's/GB', cpuPerGb),
    row('cpu', 'server CPU per GB ingested (16 streams)', 's/GB', cpuPerGb16),
  ];
}

if (isMain(import.meta.url)) await runAlone('ingest', ingestBench);
