/**
 * ffmpeg as a PutMedia producer straight to a server (no proxy in between), with the README's
 * command, and the checks around it: clusters ffmpeg sends (counted by mkvinfo on the same remux
 * written to a file), fragments stored (ListFragments through the SDK), and per-packet hashes
 * (`ffmpeg -f framemd5 -c copy`) to compare what went in with what GetMedia gives back.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { TEST_CREDENTIALS, TEST_REGION, tempDir } from './server.js';
import { LIVE_MKV_OUTPUT, run } from './tools.js';

export interface FfmpegPutOptions {
  realtime?: boolean;
  /** Extra request header lines, each without CRLF. */
  headers?: string[];
  /** Output options before the muxer's, e.g. ['-map', '0'] to keep every track in file order. */
  outputArgs?: string[];
  timeoutMs?: number;
}

/** Runs the README's ffmpeg PutMedia command; resolves with ffmpeg's exit code and stderr. */
export function ffmpegPutMedia(
  file: string,
  endpoint: string,
  stream: string,
  options: FfmpegPutOptions = {},
): Promise<{ code: number; stderr: string }> {
  const headers = [`x-amzn-stream-name: ${stream}`, ...(options.headers ?? [])]
    .map((h) => `${h}\r\n`)
    .join('');
  return run(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      ...(options.realtime ? ['-re'] : []),
      '-i',
      file,
      ...(options.outputArgs ?? []),
      '-c',
      'copy',
      ...LIVE_MKV_OUTPUT,
      '-method',
      'POST',
      '-headers',
      headers,
      `${endpoint}/putMedia`,
    ],
    { timeoutMs: options.timeoutMs ?? 120_000 },
  );
}

/** Number of Clusters ffmpeg sends for `file` with the command above (mkvinfo on the same remux). */
export function clustersSent(file: string, outputArgs: string[] = []): number {
  const out = join(tempDir('kvideo-remux-'), 'remux.mkv');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    file,
    ...outputArgs,
    '-c',
    'copy',
    ...LIVE_MKV_OUTPUT,
    out,
  ]);
  return clusterCount(out);
}

export function clusterCount(file: string): number {
  const info = execFileSync('mkvinfo', ['-a', file], { maxBuffer: 256 * 1024 * 1024 }).toString();
  return info.split('\n').filter((l) => l.startsWith('|+ Cluster')).length;
}

/** Every fragment of the stream, through the SDK's ListFragments (all pages). */
export async function listFragments(
  endpoint: string,
  stream: string,
): Promise<{ number: string; producerMs: number }[]> {
  const client = new KinesisVideoArchivedMediaClient({
    endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    const out: { number: string; producerMs: number }[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListFragmentsCommand({
          StreamName: stream,
          MaxResults: 1000,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const f of page.Fragments ?? []) {
        out.push({ number: f.FragmentNumber!, producerMs: f.ProducerTimestamp!.getTime() });
      }
      token = page.NextToken;
    } while (token);
    return out.sort((a, b) => (a.number < b.number ? -1 : 1));
  } finally {
    client.destroy();
  }
}

/**
 * Per-packet lines of `ffmpeg -f framemd5 -c copy` (stream, dts, pts, duration, size, MD5 of the
 * packet data), without the comment header, which names the input.
 */
export async function packetHashes(file: string): Promise<string[]> {
  const out = await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-i',
    file,
    '-map',
    '0',
    '-c',
    'copy',
    '-f',
    'framemd5',
    '-',
  ]);
  if (out.code !== 0) throw new Error(`framemd5 of ${file} failed: ${out.stderr}`);
  return out.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}
