/**
 * Benchmark: packaging (src/packaging) and GetClip.
 *
 * 1. In process, per stored fragment: demux alone, demux + fMP4 media segment, demux + MPEG-TS
 *    segment, and the progressive MP4 of a whole clip (two passes), as MB/s of stored fragment bytes
 *    and µs per fragment. Media: a 720p H.264 (2 B-frames, 2 s GOP, ~4 Mbit/s) + AAC file made with
 *    ffmpeg (skipped without ffmpeg/libx264), cut into stored fragments by the PutMedia parser, and
 *    the 320x240 test fixture for a small-fragment figure.
 * 2. GetClip end to end: the 720p media ingested into a server child (PutMedia), then GetClip of the
 *    whole range over loopback, MB/s of response bytes (client-side wall time, first byte sent to
 *    last byte received). This media has no B-frames: PutMedia still refuses B-frame media with
 *    ERROR 4004 on this branch (being fixed in ingest), and the packaging cost barely depends on it.
 *
 *   node dist/bench/packaging.js [--quick] [--runs N]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { MkvIngestParser } from '../src/mkv/ingest-parser.js';
import { concatBytes } from '../src/mkv/writer.js';
import {
  buildMediaSegment,
  buildTsSegment,
  demuxFragment,
  describeTracks,
  ProgressiveMp4Writer,
  type TrackSet,
} from '../src/packaging/index.js';
import { createStream } from './lib/http.js';
import { isMain, runAlone, tempDir, type BenchOptions } from './lib/options.js';
import { startServer } from './lib/server.js';
import { row, type ResultRow } from './lib/stats.js';

const FIXTURE = new URL('../../test/fixtures/media/h264-aac.mkv', import.meta.url).pathname;
const BASE_MS = 1_700_000_000_000;

interface Stored {
  set: TrackSet;
  fragments: { timecode: number; bytes: Uint8Array }[];
  bytes: number;
}

function store(file: string): Stored {
  const parser = new MkvIngestParser();
  const events = [...parser.push(new Uint8Array(readFileSync(file))), ...parser.end()];
  let set: TrackSet | undefined;
  const fragments: Stored['fragments'] = [];
  let parts: Uint8Array[] = [];
  let timecode = 0;
  for (const e of events) {
    if (e.type === 'header') set = describeTracks({ segmentHeader: e.segmentHeader });
    else if (e.type === 'clusterStart') [timecode, parts] = [e.timecode, []];
    else if (e.type === 'bytes') parts.push(e.data);
    else if (e.type === 'clusterEnd') fragments.push({ timecode, bytes: concatBytes(parts) });
  }
  return { set: set!, fragments, bytes: fragments.reduce((n, f) => n + f.bytes.length, 0) };
}

function makeMedia(dir: string, seconds: number, bframes: number): string | undefined {
  const file = join(dir, `bench-720p-bf${bframes}.mkv`);
  try {
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=30:duration=${seconds}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', String(bframes), '-g', '60', '-keyint_min', '60'],
      ...['-sc_threshold', '0', '-b:v', '4M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k'],
      ...['-f', 'matroska', '-live', '1', '-cluster_time_limit', '100000', '-cluster_size_limit', '50000000'],
      file,
    ]);
    return file;
  } catch {
    return undefined;
  }
}

/** Runs `work` over every fragment until at least `minMs` passed; returns MB/s and µs/fragment. */
function measure(media: Stored, minMs: number, work: (f: Stored['fragments'][number]) => void) {
  let n = 0;
  let bytes = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    for (const f of media.fragments) {
      work(f);
      bytes += f.bytes.length;
      n++;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return { mbps: bytes / 1e6 / seconds, usPerFragment: (seconds * 1e6) / n };
}

function packagingRows(label: string, media: Stored, runs: number, minMs: number): ResultRow[] {
  const { set } = media;
  const demux = (f: Stored['fragments'][number]) =>
    demuxFragment(set, f.bytes, { clusterTimeMs: BASE_MS + f.timecode });
  const cases: [string, (f: Stored['fragments'][number]) => void][] = [
    ['demux', (f) => void demux(f)],
    ['fMP4 media segment (demux + moof/mdat)', (f) => void buildMediaSegment(set.tracks, demux(f), 1)],
    ['MPEG-TS segment (demux + TS)', (f) => void buildTsSegment(set.tracks, demux(f), 0)],
  ];
  const rows: ResultRow[] = [];
  const size = `${(media.bytes / media.fragments.length / 1e3).toFixed(0)} kB/fragment`;
  for (const [name, work] of cases) {
    const results = Array.from({ length: runs }, () => measure(media, minMs, work));
    rows.push(
      row(
        `packaging ${label}`,
        `${name} MB/s`,
        'MB/s',
        results.map((r) => r.mbps),
        { note: size },
      ),
    );
    rows.push(
      row(
        `packaging ${label}`,
        `${name} per fragment`,
        'µs',
        results.map((r) => r.usPerFragment),
      ),
    );
  }
  const clip = Array.from({ length: runs }, () => {
    const t0 = performance.now();
    let reps = 0;
    while (performance.now() - t0 < minMs) {
      const writer = new ProgressiveMp4Writer(set.tracks);
      for (const f of media.fragments) writer.add(demux(f));
      writer.header();
      for (const f of media.fragments) writer.payload(demux(f));
      reps++;
    }
    return (media.bytes * reps) / 1e6 / ((performance.now() - t0) / 1000);
  });
  rows.push(row(`packaging ${label}`, 'progressive MP4, two passes, MB/s', 'MB/s', clip));
  return rows;
}

function post(
  origin: string,
  path: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; bytes: number; ms: number }> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => (bytes += d.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function getClipRows(
  options: BenchOptions,
  file: string,
  seconds: number,
  runs: number,
): Promise<ResultRow[]> {
  const dir = tempDir(options, 'clip');
  const server = await startServer(dir.path);
  try {
    await createStream(server.origin, 'clip');
    const put = await post(server.origin, '/putMedia', readFileSync(file), {
      'x-amzn-stream-name': 'clip',
      'x-amzn-fragment-timecode-type': 'RELATIVE',
      'x-amzn-producer-start-timestamp': String(BASE_MS / 1000),
    });
    if (put.status !== 200) throw new Error(`PutMedia answered ${put.status}`);
    const body = Buffer.from(
      JSON.stringify({
        StreamName: 'clip',
        ClipFragmentSelector: {
          FragmentSelectorType: 'PRODUCER_TIMESTAMP',
          TimestampRange: { StartTimestamp: BASE_MS / 1000, EndTimestamp: BASE_MS / 1000 + seconds },
        },
      }),
    );
    const results: { mbps: number; bytes: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await post(server.origin, '/getClip', body, { 'content-type': 'application/json' });
      if (r.status !== 200) throw new Error(`GetClip answered ${r.status}`);
      results.push({ mbps: r.bytes / 1e6 / (r.ms / 1000), bytes: r.bytes });
    }
    return [
      row(
        'get-clip',
        'GetClip MB/s (720p, whole range)',
        'MB/s',
        results.map((r) => r.mbps),
        {
          note: `${(results[0]!.bytes / 1e6).toFixed(1)} MB clip of ${seconds} s, new connection per request`,
        },
      ),
    ];
  } finally {
    await server.stop();
    dir.remove();
  }
}

export async function packagingBench(options: BenchOptions): Promise<ResultRow[]> {
  const runs = options.runs || (options.quick ? 3 : 5);
  const minMs = options.quick ? 300 : 1000;
  const seconds = options.set.seconds ?? (options.quick ? 10 : 30);
  const rows = packagingRows('320x240 fixture', store(FIXTURE), runs, minMs);
  const dir = tempDir(options, 'media');
  try {
    options.log('making 720p media with ffmpeg');
    const file = makeMedia(dir.path, seconds, 2);
    const plain = file && makeMedia(dir.path, seconds, 0);
    if (!file || !plain) {
      options.log('ffmpeg with libx264 unavailable: 720p rows skipped');
      return rows;
    }
    rows.push(...packagingRows('720p 4 Mbit/s', store(file), runs, minMs));
    options.log('GetClip over loopback');
    rows.push(...(await getClipRows(options, plain, seconds, runs)));
  } finally {
    dir.remove();
  }
  return rows;
}

if (isMain(import.meta.url)) await runAlone('packaging', packagingBench);
