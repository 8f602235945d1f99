/**
 * Benchmark 2 (+ CPU per GB served): GetMedia throughput from EARLIEST over one stored stream,
 * side by side with nginx serving the very same bytes as one static file. The stream is
 * ingested through PutMedia (1 MB clusters); one unmeasured GetMedia read dumps the response to
 * disk, and that file is what nginx serves. Then kvideo and nginx are read alternately by the
 * same raw-socket client (bytes counted and discarded) and the ratio of each pair is reported.
 * Both are served from the page cache (the data was just written; 23 GB RAM).
 *
 *   node dist/bench/get-media-vs-nginx.js [--quick] [--runs N] [--set fragments=N]
 */
import { chmodSync, closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { putFragments, INGEST_FRAME_BYTES } from './ingest.js';
import { createStream, getMediaRequest, staticGetRequest, timedRead } from './lib/http.js';
import { clusterTemplate } from './lib/mkv.js';
import { procCpuSeconds, startNginx } from './lib/nginx.js';
import { isMain, runAlone, tempDir, type BenchOptions } from './lib/options.js';
import { cpuSeconds, startServer } from './lib/server.js';
import { GB, MB, row, type ResultRow } from './lib/stats.js';

export async function getMediaBench(options: BenchOptions): Promise<ResultRow[]> {
  const runs = options.runs || (options.quick ? 3 : 5);
  const fragments = options.set.fragments ?? (options.quick ? 100 : 1000);
  const dir = tempDir(options, 'getmedia');
  const server = await startServer(join(dir.path, 'data'), { cpuProfileDir: options.profileDir });
  const kv: number[] = [];
  const ng: number[] = [];
  const ratios: number[] = [];
  const kvCpu: number[] = [];
  const ngCpu: number[] = [];
  const clientKv: number[] = [];
  const clientNg: number[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  try {
    const template = clusterTemplate(25, INGEST_FRAME_BYTES, 1000);
    options.log(`get-media: ingesting ${fragments} × 1 MB`);
    await createStream(server.origin, 'gm');
    await putFragments(server, 'gm', template, fragments, 600_000);
    const request = getMediaRequest(`127.0.0.1:${server.port}`, 'gm', { StartSelectorType: 'EARLIEST' });

    // Dump the GetMedia body once (unmeasured); it ends when no byte came for 1.5 s (live edge).
    const staticDir = join(dir.path, 'static');
    mkdirSync(staticDir);
    // nginx workers run as an unprivileged user when the bench runs as root: let them in.
    chmodSync(dir.path, 0o755);
    chmodSync(staticDir, 0o755);
    const fd = openSync(join(staticDir, 'stream.mkv'), 'w', 0o644);
    const dump = await timedRead(server.port, request, {
      idleMs: 1500,
      timeoutMs: 600_000,
      onBody: (data) => void writeSync(fd, data),
    });
    closeSync(fd);
    const size = dump.bodyBytes;
    options.log(`get-media: ${(size / MB).toFixed(0)} MB per read; nginx serves the same bytes`);
    nginx = await startNginx(join(dir.path, 'nginx'), staticDir);
    const ngRequest = staticGetRequest(`127.0.0.1:${nginx.port}`, '/stream.mkv');
    const warm = await timedRead(nginx.port, ngRequest, { timeoutMs: 600_000 });
    if (warm.bodyBytes !== size) throw new Error(`nginx served ${warm.bodyBytes} bytes, expected ${size}`);

    for (let r = 0; r < runs; r++) {
      const before = (await server.stats()).cpu;
      const c0 = process.cpuUsage();
      const a = await timedRead(server.port, request, { targetBytes: size, timeoutMs: 600_000 });
      const c1 = process.cpuUsage();
      const after = (await server.stats()).cpu;
      if (a.bodyBytes < size) throw new Error(`GetMedia returned ${a.bodyBytes} of ${size} bytes`);
      const workers = nginx.workerPids();
      const n0 = workers.reduce((s, pid) => s + procCpuSeconds(pid), 0);
      const c2 = process.cpuUsage();
      const b = await timedRead(nginx.port, ngRequest, { timeoutMs: 600_000 });
      const c3 = process.cpuUsage();
      const n1 = workers.reduce((s, pid) => s + procCpuSeconds(pid), 0);
      if (b.bodyBytes !== size) throw new Error(`nginx returned ${b.bodyBytes} of ${size} bytes`);
      const kvRate = size / MB / (a.totalMs / 1000);
      const ngRate = size / MB / (b.totalMs / 1000);
      kv.push(kvRate);
      ng.push(ngRate);
      ratios.push(kvRate / ngRate);
      kvCpu.push(cpuSeconds(before, after) / (size / GB));
      ngCpu.push((n1 - n0) / (size / GB));
      clientKv.push(cpuSeconds(c0, c1) / (size / GB));
      clientNg.push(cpuSeconds(c2, c3) / (size / GB));
      options.log(`  run ${r + 1}: kvideo ${kvRate.toFixed(0)} MB/s, nginx ${ngRate.toFixed(0)} MB/s`);
    }
  } finally {
    await nginx?.stop();
    await server.stop();
    dir.remove();
  }
  const label = `${fragments} × 1 MB from EARLIEST`;
  return [
    row('get-media', `kvideo, ${label}`, 'MB/s', kv),
    row('get-media', `nginx, same bytes as a static file`, 'MB/s', ng),
    row('get-media', 'kvideo / nginx (per pair)', '×', ratios, { goal: '≥ 0.5', atLeast: 0.5 }),
    row('cpu', 'server CPU per GB served (kvideo)', 's/GB', kvCpu),
    row('cpu', 'nginx worker CPU per GB served', 's/GB', ngCpu, { note: '/proc/<pid>/stat, 10 ms ticks' }),
    row('cpu', 'client CPU per GB read (kvideo / nginx)', 's/GB', clientKv, {
      note: `nginx: ${clientNg.map((x) => x.toFixed(2)).join(', ')}`,
    }),
  ];
}

if (isMain(import.meta.url)) await runAlone('get-media-vs-nginx', getMediaBench);
