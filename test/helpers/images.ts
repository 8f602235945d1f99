/** GetImages test helpers: ingest a fixture with known producer times, and inspect images with ffprobe/ffmpeg. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { putMediaRaw, type Ack } from './put-media.js';
import { controlPlaneClient } from './server.js';
import { fixture } from './tools.js';

/** Creates a stream and PutMedia's a fixture with producer time 0 of the file at `startSec`. */
export async function ingestFixture(
  endpoint: string,
  stream: string,
  file: string,
  startSec: number,
  retentionHours = 24,
): Promise<Ack[]> {
  const kv = controlPlaneClient(endpoint);
  try {
    await kv.send(new CreateStreamCommand({ StreamName: stream, DataRetentionInHours: retentionHours }));
  } finally {
    kv.destroy();
  }
  const res = await putMediaRaw({
    endpoint,
    headers: {
      'x-amzn-stream-name': stream,
      'x-amzn-fragment-timecode-type': 'RELATIVE',
      'x-amzn-producer-start-timestamp': String(startSec),
    },
    pieces: [readFileSync(file.includes('/') ? file : fixture(file))],
  });
  return res.acks;
}

/** Runs a tool with `input` on stdin; resolves with stdout bytes (rejects on a non-zero exit). */
export function pipeThrough(tool: string, args: string[], input: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${tool}: ${err}`)),
    );
  });
}

export interface ProbedImage {
  codec: string;
  width: number;
  height: number;
}

/** ffprobe's view of one image file given as bytes. */
export async function probeImage(bytes: Uint8Array): Promise<ProbedImage> {
  const out = await pipeThrough(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', '-i', 'pipe:0'],
    bytes,
  );
  const stream = (
    JSON.parse(out.toString()) as { streams: { codec_name: string; width: number; height: number }[] }
  ).streams[0]!;
  return { codec: stream.codec_name, width: stream.width, height: stream.height };
}

/** Decodes an image (any format ffmpeg reads) to raw RGB24 pixels. */
export function rawPixels(bytes: Uint8Array): Promise<Buffer> {
  return pipeThrough(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    bytes,
  );
}

/** Frame `n` (presentation order) of a media file as raw RGB24, decoded by ffmpeg directly. */
export function referenceFrame(file: string, n: number): Promise<Buffer> {
  return pipeThrough(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      file,
      '-vf',
      `select=eq(n\\,${n})`,
      '-frames:v',
      '1',
      '-fps_mode',
      'passthrough',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    new Uint8Array(0),
  );
}
