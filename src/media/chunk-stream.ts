/**
 * The GetMedia response body: one MKV chunk per fragment in fragment-number order (spec §6.3),
 * streamed from storage with backpressure, then following the live edge by notification
 * (FragmentStore.waitForAppend, never polling). The session ends only between chunks: when the
 * client goes away, after the configured maximum duration, or after the configured idle time.
 * Memory per reader is bounded by the stream's highWaterMark plus one payload read buffer.
 */
import { Readable } from 'node:stream';
import type { Clock } from '../core/clock.js';
import { formatEpochSeconds } from '../core/clock.js';
import { SEGMENT_UNKNOWN_SIZE_HEADER, endTags, errorTags, startTags } from '../mkv/kvs-chunk.js';
import type { FragmentMeta, FragmentStore, StreamHeader } from '../storage/types.js';
import type { StartPoint } from './start-selector.js';

export interface ChunkStreamOptions {
  store: FragmentStore;
  streamId: string;
  start: StartPoint;
  clock: Clock;
  signal: AbortSignal;
  /** Ends the response (between chunks) after this long; KVS ends sessions after about 45 min. */
  maxSessionMs: number;
  /** Ends the response after this long at the live edge without a new fragment; 0 = never. */
  idleEndMs: number;
  /** Bytes per second; 0 = unthrottled. */
  bytesPerSecond: number;
  /** Called with each fragment after its chunk is fully written (for logging and tests). */
  onChunk?: (fragment: FragmentMeta) => void;
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits for a fragment after `after`, giving up (returns false) after `idleMs` when idleMs > 0. */
async function waitForNext(
  o: ChunkStreamOptions,
  after: string | undefined,
  idleMs: number,
): Promise<boolean> {
  const wait = new AbortController();
  const forward = (): void => wait.abort(o.signal.reason);
  o.signal.addEventListener('abort', forward, { once: true });
  const timer = idleMs > 0 ? setTimeout(() => wait.abort(new Error('idle')), idleMs) : undefined;
  try {
    await o.store.waitForAppend(o.streamId, after, wait.signal);
    return true;
  } catch (err) {
    if (o.signal.aborted) throw err;
    return false;
  } finally {
    clearTimeout(timer);
    o.signal.removeEventListener('abort', forward);
  }
}

async function* chunks(o: ChunkStreamOptions): AsyncGenerator<Uint8Array> {
  const started = o.clock.now();
  let sentBytes = 0;
  const throttle = async (): Promise<void> => {
    if (o.bytesPerSecond <= 0) return;
    const dueMs = (sentBytes / o.bytesPerSecond) * 1000 - (o.clock.now() - started);
    if (dueMs > 5) await sleep(dueMs, o.signal);
  };

  if (o.start.kind === 'notFound') {
    yield errorChunkPrefix(o);
    yield errorTags({
      fragmentNumber: o.start.fragmentNumber,
      errorCode: 'Requested fragment is not found',
      errorId: '4000',
    });
    return;
  }

  let next: FragmentMeta | undefined = o.start.kind === 'at' ? o.start.fragment : undefined;
  let last: string | undefined = o.start.kind === 'after' ? o.start.fragmentNumber : undefined;
  while (!o.signal.aborted && o.clock.now() - started < o.maxSessionMs) {
    if (!next) {
      next = last === undefined ? o.store.earliest(o.streamId) : o.store.fragmentAfter(o.streamId, last);
      if (!next) {
        const remaining = o.maxSessionMs - (o.clock.now() - started);
        const idle = o.idleEndMs > 0 ? Math.min(o.idleEndMs, remaining) : remaining;
        if (!(await waitForNext(o, last, idle))) return;
        continue;
      }
    }
    const fragment = next;
    // Open the payload and read its first piece before writing anything of the chunk, so a
    // fragment that vanished (retention, deletion) or an unreadable segment ends the response
    // with an in-stream error between chunks, never mid-element (spec §6.5).
    const header = o.store.getHeader(o.streamId, fragment.headerId);
    const payload = header ? o.store.openPayload(o.streamId, fragment)[Symbol.asyncIterator]() : undefined;
    let first: IteratorResult<Uint8Array> | undefined;
    try {
      first = await payload?.next();
    } catch {
      first = undefined;
    }
    if (!header || !payload || !first) {
      yield* internalError(o, fragment);
      return;
    }
    yield chunkPrefix(o, fragment, header);
    for (let piece: IteratorResult<Uint8Array> | undefined = first; !piece.done;) {
      yield piece.value;
      sentBytes += piece.value.length;
      await throttle();
      try {
        piece = await payload.next();
      } catch {
        // The store withholds a damaged fragment's last bytes (src/storage verifies each record's
        // CRC on read): the chunk stays incomplete, without end Tags, and the response ends
        // with the in-stream error instead of serving bytes that were not what was stored.
        yield* internalError(o, fragment);
        return;
      }
    }
    yield endTags({
      millisBehindNow: String(Math.max(0, Math.round(o.clock.now() - fragment.serverTimestampMs))),
      continuationToken: fragment.fragmentNumber,
    });
    o.onChunk?.(fragment);
    last = fragment.fragmentNumber;
    next = undefined;
  }
}

/** The in-stream error that ends a response on an unreadable or damaged fragment (spec §6.5). */
function* internalError(o: ChunkStreamOptions, fragment: FragmentMeta): Generator<Uint8Array> {
  yield errorChunkPrefix(o);
  yield errorTags({ fragmentNumber: fragment.fragmentNumber, errorCode: 'Internal error', errorId: '5000' });
}

/** Recently built chunk prefixes per store, oldest first (Map order); see chunkPrefix. */
const prefixMemo = new WeakMap<FragmentStore, Map<string, Uint8Array>>();
const PREFIX_MEMO_ENTRIES = 64;

/**
 * Everything of a chunk before the fragment bytes, as one buffer: producer EBML header, the
 * unknown-size Segment, the producer's header elements and the start Tags (spec §6.3). It only
 * depends on the fragment, so live readers of one stream share the bytes built for the first of
 * them instead of each encoding the tags and writing four pieces (bench/live-fanout.ts).
 */
function chunkPrefix(o: ChunkStreamOptions, fragment: FragmentMeta, header: StreamHeader): Uint8Array {
  let memo = prefixMemo.get(o.store);
  if (!memo) prefixMemo.set(o.store, (memo = new Map()));
  const key = `${o.streamId}/${fragment.headerId}/${fragment.fragmentNumber}/${fragment.serverTimestampMs}/${fragment.producerTimestampMs}`;
  let prefix = memo.get(key);
  if (!prefix) {
    const tags = startTags({
      fragmentNumber: fragment.fragmentNumber,
      serverTimestamp: formatEpochSeconds(fragment.serverTimestampMs),
      producerTimestamp: formatEpochSeconds(fragment.producerTimestampMs),
    });
    const parts = [header.ebmlHeader, SEGMENT_UNKNOWN_SIZE_HEADER, header.segmentHeader, tags];
    prefix = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      prefix.set(part, at);
      at += part.length;
    }
    memo.set(key, prefix);
    if (memo.size > PREFIX_MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
  }
  return prefix;
}

/**
 * An error chunk has no producer header to repeat when the fragment is unknown; it still opens
 * with an EBML header and an unknown-size Segment so parsers see a well-formed chunk (spec §6.5).
 */
function errorChunkPrefix(o: ChunkStreamOptions): Uint8Array {
  const latest = o.store.latest(o.streamId);
  const header = latest ? o.store.getHeader(o.streamId, latest.headerId) : undefined;
  const ebml = header?.ebmlHeader ?? DEFAULT_EBML_HEADER;
  const out = new Uint8Array(ebml.length + SEGMENT_UNKNOWN_SIZE_HEADER.length);
  out.set(ebml, 0);
  out.set(SEGMENT_UNKNOWN_SIZE_HEADER, ebml.length);
  return out;
}

/** EBML header of a Matroska v2 document, as the KVS producer library writes it (spec §8.1). */
const DEFAULT_EBML_HEADER = Uint8Array.from([
  0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04, 0x42,
  0xf3, 0x81, 0x08, 0x42, 0x82, 0x88, 0x6d, 0x61, 0x74, 0x72, 0x6f, 0x73, 0x6b, 0x61, 0x42, 0x87, 0x81, 0x02,
  0x42, 0x85, 0x81, 0x02,
]);

export function createChunkStream(options: ChunkStreamOptions): Readable {
  return Readable.from(chunks(options), { objectMode: false, highWaterMark: 64 * 1024 });
}
