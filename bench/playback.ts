/**
 * Playback benchmark: getMP4MediaFragment.mp4 requests per second and MB/s from kvideo, side by
 * side with nginx serving the very same packaged segments as static files, plus the memory an
 * open LIVE session costs the server. A 1280×720 H.264 stream (ffmpeg lavfi, one key frame a
 * second) is ingested through PutMedia; one unmeasured pass over the ON_DEMAND playlist's media
 * fragments packages every fragment (reported as the cold rate) and writes each response to a
 * file that nginx then serves. Both are read by the same keep-alive raw-socket client with the
 * same concurrency; the ratio of each pair is reported (goal ≥ 0.5×).
 *
 *   node dist/bench/playback.js [--quick] [--runs N] [--set seconds=N] [--set sessions=N]
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ingestFile, makeFixture } from '../test/helpers/playback.js';
import { createStream, jsonCall, ResponseCounter } from './lib/http.js';
import { startNginx } from './lib/nginx.js';
import { isMain, runAlone, tempDir, type BenchOptions } from './lib/options.js';
import { startServer } from './lib/server.js';
import { MB, row, type ResultRow } from './lib/stats.js';

interface LoadResult {
  requests: number;
  bytes: number;
  ms: number;
}

/** `total` GETs of `paths` round-robin over `concurrency` keep-alive connections. */
async function load(
  port: number,
  paths: readonly string[],
  total: number,
  concurrency: number,
  onBody?: (i: number, b: Buffer) => void,
): Promise<LoadResult> {
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  const worker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', noDelay: true });
      let counter = new ResponseCounter();
      let current = -1;
      let parts: Buffer[] = [];
      const send = (): void => {
        if (next >= total) {
          socket.end();
          resolve();
          return;
        }
        current = next++;
        counter = new ResponseCounter();
        if (onBody) {
          parts = [];
          counter.onBody = (d) => parts.push(Buffer.from(d));
        }
        socket.write(`GET ${paths[current % paths.length]} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      };
      socket.once('connect', send);
      socket.on('data', (d: Buffer) => {
        counter.push(d);
        if (!counter.complete) return;
        if (counter.status !== 200)
          return reject(new Error(`HTTP ${counter.status} for ${paths[current % paths.length]}`));
        bytes += counter.bodyBytes;
        onBody?.(current, Buffer.concat(parts));
        send();
      });
      socket.on('error', reject);
    });
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests: total, bytes, ms: performance.now() - t0 };
}

export async function playbackBench(options: BenchOptions): Promise<ResultRow[]> {
  const runs = options.runs || (options.quick ? 3 : 5);
  const seconds = options.set.seconds ?? (options.quick ? 20 : 60);
  const sessions = options.set.sessions ?? (options.quick ? 500 : 2000);
  const concurrency = 8;
  const dir = tempDir(options, 'playback');
  const server = await startServer(join(dir.path, 'data'));
  const kv: number[] = [];
  const kvMb: number[] = [];
  const ng: number[] = [];
  const ngMb: number[] = [];
  const ratios: number[] = [];
  let cold: LoadResult | undefined;
  let perSession: number | undefined;
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  try {
    options.log(`playback: encoding ${seconds} s of 1280x720 H.264 with ffmpeg`);
    const file = await makeFixture(dir.path, 'src.mkv', { seconds, width: 1280, height: 720 });
    await createStream(server.origin, 'pb');
    const start = Date.now() - 3600_000;
    await ingestFile(server.origin, 'pb', file, start);
    const session = await jsonCall(server.origin, '/getHLSStreamingSessionURL', {
      StreamName: 'pb',
      PlaybackMode: 'ON_DEMAND',
      HLSFragmentSelector: {
        FragmentSelectorType: 'PRODUCER_TIMESTAMP',
        TimestampRange: { StartTimestamp: start / 1000, EndTimestamp: start / 1000 + seconds + 60 },
      },
    });
    const url = new URL(session.HLSStreamingSessionURL as string);
    const base = url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1);
    const playlist = await (
      await fetch(`${server.origin}${base}getHLSMediaPlaylist.m3u8${url.search}&TrackNumber=1`)
    ).text();
    const paths = playlist
      .split('\n')
      .filter((l) => l.startsWith('getMP4MediaFragment'))
      .map((l) => base + l);
    options.log(`playback: ${paths.length} media fragments; packaging pass (cold) writes nginx's copies`);

    const staticDir = join(dir.path, 'static');
    mkdirSync(staticDir);
    chmodSync(dir.path, 0o755);
    chmodSync(staticDir, 0o755);
    cold = await load(server.port, paths, paths.length, 1, (i, body) =>
      writeFileSync(join(staticDir, `f${i}.mp4`), body, { mode: 0o644 }),
    );
    const staticPaths = paths.map((_, i) => `/f${i}.mp4`);
    nginx = await startNginx(join(dir.path, 'nginx'), staticDir);
    const total = paths.length * (options.quick ? 20 : 50);
    await load(nginx.port, staticPaths, paths.length, concurrency);
    for (let r = 0; r < runs; r++) {
      const a = await load(server.port, paths, total, concurrency);
      const b = await load(nginx.port, staticPaths, total, concurrency);
      if (a.bytes !== b.bytes) throw new Error(`kvideo served ${a.bytes} bytes, nginx ${b.bytes}`);
      kv.push(a.requests / (a.ms / 1000));
      ng.push(b.requests / (b.ms / 1000));
      kvMb.push(a.bytes / MB / (a.ms / 1000));
      ngMb.push(b.bytes / MB / (b.ms / 1000));
      ratios.push(a.ms > 0 ? b.ms / a.ms : NaN);
      options.log(
        `  run ${r + 1}: kvideo ${kv.at(-1)!.toFixed(0)} req/s, nginx ${ng.at(-1)!.toFixed(0)} req/s`,
      );
    }

    // Memory per open session: LIVE sessions whose media playlist was fetched once (each leaves a
    // timeline cache entry and rate-limiter keys; the session itself is only its token).
    await ingestFile(server.origin, 'pb', file, Date.now() - seconds * 1000);
    await server.gc();
    const before = (await server.stats()).memory.heapUsed;
    for (let i = 0; i < sessions; i++) {
      const s = await jsonCall(server.origin, '/getHLSStreamingSessionURL', { StreamName: 'pb' });
      const u = new URL(s.HLSStreamingSessionURL as string);
      const res = await fetch(`${server.origin}${base}getHLSMediaPlaylist.m3u8${u.search}&TrackNumber=1`);
      if (res.status !== 200) throw new Error(`media playlist: ${res.status}`);
      await res.arrayBuffer();
    }
    await server.gc();
    perSession = ((await server.stats()).memory.heapUsed - before) / sessions;
  } finally {
    await nginx?.stop();
    await server.stop();
    dir.remove();
  }
  const label = `${seconds} × 1 s 720p fMP4 fragments, ${concurrency} keep-alive connections`;
  return [
    row('playback', `kvideo getMP4MediaFragment, ${label}`, 'req/s', kv),
    row('playback', 'nginx, the same segments as static files', 'req/s', ng),
    row('playback', 'kvideo getMP4MediaFragment (cached packaging)', 'MB/s', kvMb),
    row('playback', 'nginx, same bytes', 'MB/s', ngMb),
    row('playback', 'kvideo / nginx requests per second (per pair)', '×', ratios, {
      goal: '≥ 0.5',
      atLeast: 0.5,
    }),
    row('playback', 'kvideo first request per fragment (demux + package, 1 connection)', 'req/s', [
      cold ? cold.requests / (cold.ms / 1000) : NaN,
    ]),
    row(
      'playback',
      `server heap per open LIVE session (${sessions} sessions, playlist fetched once)`,
      'bytes',
      [perSession ?? NaN],
    ),
  ];
}

if (isMain(import.meta.url)) await runAlone('playback', playbackBench);
