/**
 * Runs the real ffmpeg binary to turn one decode window into still images: the Matroska bytes go
 * in through stdin, ffmpeg decodes from the window's key frame, keeps only the frames whose
 * presentation times were asked for (select filter on the original timestamps, -copyts), scales
 * them and writes JPEG or PNG back to back through stdout (image2pipe). At most `concurrency`
 * processes run at once, each killed after `timeoutMs`; callers beyond `maxQueued` are refused
 * so a burst cannot pile up unbounded work. Knows nothing of streams, fragments or KVS shapes.
 */
import { spawn } from 'node:child_process';
import { splitImages } from './image-split.js';

export interface DecodeJob {
  /** A Matroska stream: EBML header, Segment, producer header elements, clusters. */
  input: Uint8Array;
  /** Presentation times (seconds, the stream's own timestamps) of the frames wanted, ascending. */
  frameTimes: number[];
  /** Two frames closer than this are the same frame (half a timecode tick). */
  toleranceSec: number;
  format: 'JPEG' | 'PNG';
  /** KVS JPEGQuality, 1 (smallest) … 100 (best). */
  jpegQuality: number;
  width?: number;
  height?: number;
}

export type DecodeResult = { images: Uint8Array[] } | { error: string };

export interface DecoderOptions {
  ffmpegPath: string;
  concurrency: number;
  timeoutMs: number;
  maxQueued: number;
}

export class QueueFullError extends Error {}

/** KVS JPEGQuality 1–100 onto ffmpeg's mjpeg quantiser scale, 31 (worst) … 2 (best). */
export function mjpegQscale(quality: number): number {
  return Math.round(31 - ((quality - 1) * 29) / 99);
}

export function ffmpegArgs(job: DecodeJob): string[] {
  const select = job.frameTimes
    .map((t) => `lt(abs(t-${t.toFixed(6)})\\,${job.toleranceSec.toFixed(6)})`)
    .join('+');
  const filters = [`select='${select}'`];
  if (job.width !== undefined || job.height !== undefined) {
    // One dimension given: -1 keeps the source's aspect ratio (spec §7.6).
    filters.push(`scale=${job.width ?? -1}:${job.height ?? -1}`);
  }
  const codec =
    job.format === 'JPEG'
      ? ['-c:v', 'mjpeg', '-q:v', String(mjpegQscale(job.jpegQuality)), '-pix_fmt', 'yuvj420p']
      : ['-c:v', 'png', '-pix_fmt', 'rgb24'];
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-copyts', // keep the stream's timestamps so the select filter can name frames by them
    '-f',
    'matroska',
    '-i',
    'pipe:0',
    '-map',
    '0:v:0',
    '-vf',
    filters.join(','),
    '-fps_mode',
    'passthrough', // one output image per selected frame, no duplicates for a constant rate
    ...codec,
    '-f',
    'image2pipe',
    'pipe:1',
  ];
}

export class FfmpegDecoder {
  readonly #o: DecoderOptions;
  #running = 0;
  readonly #queue: (() => void)[] = [];

  constructor(options: DecoderOptions) {
    this.#o = options;
  }

  /** Decodes one window; throws QueueFullError when too many jobs are waiting. */
  async decode(job: DecodeJob, signal: AbortSignal): Promise<DecodeResult> {
    await this.#acquire();
    try {
      return await this.#run(job, signal);
    } finally {
      this.#release();
    }
  }

  #acquire(): Promise<void> {
    if (this.#running < this.#o.concurrency) {
      this.#running += 1;
      return Promise.resolve();
    }
    if (this.#queue.length >= this.#o.maxQueued) {
      return Promise.reject(new QueueFullError('too many image decodes are waiting'));
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#running -= 1;
  }

  #run(job: DecodeJob, signal: AbortSignal): Promise<DecodeResult> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve({ error: 'request aborted' });
      const child = spawn(this.#o.ffmpegPath, ffmpegArgs(job), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let stderr = '';
      let failure: string | undefined;
      const kill = (reason: string): void => {
        failure ??= reason;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(
        () => kill(`ffmpeg did not finish within ${this.#o.timeoutMs} ms`),
        this.#o.timeoutMs,
      );
      const onAbort = (): void => kill('request aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 4096) stderr += d.toString();
      });
      // ffmpeg may exit before reading all input (e.g. on a decode error): ignore EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(job.input);
      child.on('error', (err) => {
        failure ??= `ffmpeg could not be started: ${err.message}`;
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (failure) return resolve({ error: failure });
        if (code !== 0) return resolve({ error: `ffmpeg exited with ${code}: ${stderr.trim()}` });
        const { images, leftover } = splitImages(job.format, Buffer.concat(out));
        if (leftover > 0) return resolve({ error: `ffmpeg wrote ${leftover} trailing bytes` });
        resolve({ images });
      });
    });
  }
}
