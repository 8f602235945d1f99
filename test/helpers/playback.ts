/**
 * Playback test helpers: encoded fixtures made by ffmpeg (no B-frames, one key frame a second so
 * every fragment starts with one), PutMedia of a whole file, per-frame payload hashes by ffmpeg's
 * framemd5 (the bit-identical comparison), and archived-media SDK clients.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KinesisVideoArchivedMediaClient } from '@aws-sdk/client-kinesis-video-archived-media';
import { putMediaRaw, splitEvery, type Ack } from './put-media.js';
import { TEST_CREDENTIALS, TEST_REGION } from './server.js';
import { run, LIVE_MKV_OUTPUT } from './tools.js';

export interface FixtureOptions {
  seconds: number;
  audio?: boolean;
  /** libx264 (default), libx265, or mpeg4 (a codec KVS playback refuses). */
  videoCodec?: 'libx264' | 'libx265' | 'mpeg4';
  width?: number;
  height?: number;
}

/** A live-style Matroska file with one Cluster per key frame (one KVS fragment per second). */
export async function makeFixture(dir: string, name: string, o: FixtureOptions): Promise<string> {
  const out = join(dir, name);
  const size = `${o.width ?? 320}x${o.height ?? 240}`;
  const video =
    o.videoCodec === 'mpeg4'
      ? ['-c:v', 'mpeg4', '-g', '25']
      : o.videoCodec === 'libx265'
        ? [
            '-c:v',
            'libx265',
            '-x265-params',
            'keyint=25:min-keyint=25:bframes=0:log-level=error',
            '-tag:v',
            'hvc1',
          ]
        : ['-c:v', 'libx264', '-tune', 'zerolatency', '-g', '25', '-keyint_min', '25', '-bf', '0'];
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=25`,
    ...(o.audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'] : []),
    '-t',
    String(o.seconds),
    ...video,
    '-pix_fmt',
    'yuv420p',
    ...(o.audio ? ['-c:a', 'aac', '-b:a', '64k'] : []),
    ...LIVE_MKV_OUTPUT,
    out,
  ];
  const r = await run('ffmpeg', args, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`ffmpeg fixture failed: ${r.stderr}`);
  return out;
}

/** PutMedia of a whole file with RELATIVE timecodes from `startMs`; returns the PERSISTED ACKs. */
export async function ingestFile(
  endpoint: string,
  stream: string,
  file: string,
  startMs: number,
): Promise<Ack[]> {
  const res = await putMediaRaw({
    endpoint,
    headers: {
      'x-amzn-stream-name': stream,
      'x-amzn-fragment-timecode-type': 'RELATIVE',
      'x-amzn-producer-start-timestamp': (startMs / 1000).toFixed(3),
    },
    pieces: splitEvery(readFileSync(file), 64 * 1024),
  });
  const errors = res.acks.filter((a) => a.EventType === 'ERROR');
  if (res.status !== 200 || errors.length > 0)
    throw new Error(`PutMedia failed: ${res.status} ${JSON.stringify(errors)} ${res.body}`);
  return res.acks.filter((a) => a.EventType === 'PERSISTED');
}

/**
 * Bitstream filters that reduce H.264 video to its slice NAL units in Annex B form: MPEG-TS
 * carries Annex B with access unit delimiters and parameter sets before key frames (which the
 * stored AVCC frames do not), so comparing the rest shows the coded pictures are bit-identical.
 */
export const SLICES_FROM_AVCC = 'h264_mp4toannexb,filter_units=remove_types=7|8|9';
export const SLICES_FROM_ANNEXB = 'filter_units=remove_types=7|8|9';

/**
 * The payload hash of every packet of one stream kind, in order, as ffmpeg reads `input` (a file
 * or an HLS/DASH URL), optionally through a video bitstream filter first.
 */
export async function frameHashes(
  input: string,
  kind: 'v' | 'a',
  options: {
    videoBsf?: string;
    audioBsf?: string;
    extraInput?: string[];
    frames?: number;
    timeoutMs?: number;
  } = {},
): Promise<string[]> {
  const r = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      ...(options.extraInput ?? []),
      '-i',
      input,
      '-map',
      `0:${kind}`,
      '-c',
      'copy',
      ...(options.videoBsf ? ['-bsf:v', options.videoBsf] : []),
      ...(options.audioBsf ? ['-bsf:a', options.audioBsf] : []),
      // A dynamic MPD never ends for ffmpeg: stop after the frames the source has.
      ...(options.frames !== undefined ? [`-frames:${kind}`, String(options.frames)] : []),
      '-f',
      'framemd5',
      '-',
    ],
    { timeoutMs: options.timeoutMs ?? 120_000 },
  );
  if (r.code !== 0) throw new Error(`ffmpeg framemd5 of ${input.slice(0, 120)} failed: ${r.stderr}`);
  return (
    r.stdout
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      // stream, dts, pts, duration, size, hash[, side data…]
      .map((l) => l.split(',')[5]!.trim())
  );
}

export function archivedClient(endpoint: string): KinesisVideoArchivedMediaClient {
  return new KinesisVideoArchivedMediaClient({
    endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}

/** The base URL resources of a session URL are relative to. */
export const baseOf = (url: string): string => url.slice(0, url.lastIndexOf('/') + 1);
