/**
 * Pieces shared by the reliability tests: a seeded random source (so a failing run can be
 * replayed with KVIDEO_CRASH_SEED), producers whose clusters can be recognised bit for bit,
 * live GetMedia readers over raw HTTP that survive the server dying under them, and complete
 * reads of a stream through ListFragments and GetMedia.
 */
import { request } from 'node:http';
import { KvsChunkReader } from '../../src/mkv/chunk-reader.js';
import { concatBytes } from '../../src/mkv/writer.js';
import { parseChunks } from '../helpers/media.js';
import { cluster, ebmlHeader, segmentHead } from '../helpers/mkv-stream.js';

/** mulberry32: small, fast, good enough to pick kill moments and sizes reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PRODUCER_HEADER = concatBytes([ebmlHeader(), segmentHead(1)]);
export const HEADER_LENGTH = PRODUCER_HEADER.length;

/** Cluster `i` of stream number `s`: 10 frames whose sizes and fill bytes derive from (s, i). */
export function numberedCluster(s: number, i: number, frameBytes = 1500): Uint8Array {
  return cluster({
    timecode: i * 1000,
    blocks: Array.from({ length: 10 }, (_, f) => ({
      rel: f * 100,
      key: f === 0,
      size: frameBytes + ((i * 7 + s * 13 + f) % 97),
    })),
  });
}

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

export function postJson(
  endpoint: string,
  path: string,
  body: object,
  timeoutMs = 15_000,
): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${path} timed out`)));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Every fragment number ListFragments returns for the stream (all pages). */
export async function listAllFragments(endpoint: string, stream: string): Promise<string[]> {
  const numbers: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const res = await postJson(endpoint, '/listFragments', {
      StreamName: stream,
      MaxResults: 1000,
      ...(token ? { NextToken: token } : {}),
    });
    if (res.status !== 200) throw new Error(`ListFragments ${res.status}: ${JSON.stringify(res.body)}`);
    for (const f of res.body.Fragments as { FragmentNumber: string }[]) numbers.push(f.FragmentNumber);
    token = res.body.NextToken as string | undefined;
    if (!token) break;
  }
  return numbers;
}

export interface ReadFragment {
  number: string;
  bytes: Buffer;
  /** AWS_KINESISVIDEO_PRODUCER_TIMESTAMP in milliseconds. */
  producerMs: number;
}

/**
 * Fragments of a GetMedia body. Complete chunks must parse; the last chunk may be cut off (the
 * server was killed mid-chunk) and is then left out.
 */
export function fragmentsOfBody(body: Buffer): ReadFragment[] {
  const reader = new KvsChunkReader();
  const events = [...reader.push(body), ...reader.end()];
  const out: ReadFragment[] = [];
  let offset = 0;
  events.forEach((event, i) => {
    const raw = body.subarray(offset, offset + event.byteLength);
    offset += event.byteLength;
    const last = i === events.length - 1;
    try {
      const [chunk] = parseChunks(raw, HEADER_LENGTH);
      const number = chunk?.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER;
      if (!chunk || !number) throw new Error('chunk without a fragment number');
      const producerMs = Math.round(Number(chunk.tags.AWS_KINESISVIDEO_PRODUCER_TIMESTAMP) * 1000);
      out.push({ number, bytes: Buffer.from(chunk.fragment), producerMs });
    } catch (err) {
      if (!last) throw err;
    }
  });
  return out;
}

export interface LiveReader {
  /** Resolves with everything read once the response ends, fails or stop() is called. */
  done: Promise<Buffer>;
  stop(): void;
}

/**
 * A GetMedia reader that keeps what it got when the connection dies; with `idleMs` it also stops
 * once no byte arrived for that long after the first one (the live tail never ends by itself).
 */
export function liveGetMedia(
  endpoint: string,
  stream: string,
  selector: object,
  idleMs?: number,
): LiveReader {
  const parts: Buffer[] = [];
  let stop = (): void => undefined;
  let idle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (idleMs === undefined) return;
    clearTimeout(idle);
    idle = setTimeout(() => stop(), idleMs);
  };
  const done = new Promise<Buffer>((resolve) => {
    const finish = (): void => {
      clearTimeout(idle);
      resolve(Buffer.concat(parts));
    };
    const req = request(
      `${endpoint}/getMedia`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          res.on('end', finish);
          res.on('error', finish);
          return;
        }
        res.on('data', (d: Buffer) => {
          parts.push(d);
          arm();
        });
        res.on('end', finish);
        res.on('error', finish);
        res.on('aborted', finish);
        res.on('close', finish);
      },
    );
    req.on('error', finish);
    req.end(JSON.stringify({ StreamName: stream, StartSelector: selector }));
    stop = () => req.destroy();
  });
  return { done, stop: () => stop() };
}

/** Reads the whole stream from EARLIEST until no byte came for `idleMs`, or `timeoutMs` in total. */
export async function readWholeStream(
  endpoint: string,
  stream: string,
  idleMs = 600,
  timeoutMs = 60_000,
): Promise<ReadFragment[]> {
  const reader = liveGetMedia(endpoint, stream, { StartSelectorType: 'EARLIEST' }, idleMs);
  const timer = setTimeout(() => reader.stop(), timeoutMs);
  try {
    return fragmentsOfBody(await reader.done);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
