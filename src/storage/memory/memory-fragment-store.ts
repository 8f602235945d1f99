/**
 * FragmentStore kept in process memory (not persistent): per stream, fragments sorted by number
 * plus one sorted (timestamp, number) array per clock, searched by binary search so lookups are
 * O(log n) like the file backend's. Appends copy the payload slices, because callers may reuse
 * their buffers once the promise resolves. Must not know about files or Matroska.
 */
import { Readable } from 'node:stream';
import { AppendWaiters } from '../append-waiters.js';
import {
  assertFragmentInput,
  assertHeader,
  assertStreamId,
  headerDigest,
  outOfOrder,
  payloadSize,
  toFragmentMeta,
  toStoredWidth,
} from '../checks.js';
import { findContaining } from '../time-lookup.js';
import type {
  FragmentInput,
  FragmentMeta,
  FragmentStore,
  StreamHeader,
  TimestampClock,
  TimestampCursor,
} from '../types.js';
import { compareStrings, compareTimeKeys, lowerBound, upperBound, type TimeKey } from './sorted.js';

interface StoredFragment {
  meta: FragmentMeta;
  payload: Uint8Array[];
}

interface MemoryStream {
  fragments: StoredFragment[];
  byProducer: TimeKey[];
  byServer: TimeKey[];
  headers: Map<number, StreamHeader>;
  headerIdByDigest: Map<string, number>;
  nextHeaderId: number;
  /** Largest number ever accepted; survives retention like the file backend's counter. */
  last: string | undefined;
}

export class MemoryFragmentStore implements FragmentStore {
  readonly capabilities = { persistent: false };
  readonly #streams = new Map<string, MemoryStream>();
  readonly #waiters = new AppendWaiters();

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  #stream(streamId: string): MemoryStream {
    let stream = this.#streams.get(streamId);
    if (!stream) {
      stream = {
        fragments: [],
        byProducer: [],
        byServer: [],
        headers: new Map(),
        headerIdByDigest: new Map(),
        nextHeaderId: 1,
        last: undefined,
      };
      this.#streams.set(streamId, stream);
    }
    return stream;
  }

  lastFragmentNumber(streamId: string): string | undefined {
    assertStreamId(streamId);
    return this.#streams.get(streamId)?.last;
  }

  async putHeader(streamId: string, header: StreamHeader): Promise<number> {
    assertStreamId(streamId);
    assertHeader(header);
    const stream = this.#stream(streamId);
    const digest = headerDigest(header);
    const existing = stream.headerIdByDigest.get(digest);
    if (existing !== undefined) return existing;
    const id = stream.nextHeaderId++;
    stream.headerIdByDigest.set(digest, id);
    stream.headers.set(id, {
      ebmlHeader: new Uint8Array(header.ebmlHeader),
      segmentHeader: new Uint8Array(header.segmentHeader),
    });
    return id;
  }

  getHeader(streamId: string, headerId: number): StreamHeader | undefined {
    assertStreamId(streamId);
    return this.#streams.get(streamId)?.headers.get(headerId);
  }

  async appendFragment(
    streamId: string,
    headerId: number,
    fragment: FragmentInput,
    payload: readonly Uint8Array[],
  ): Promise<FragmentMeta> {
    assertStreamId(streamId);
    assertFragmentInput(fragment, payload);
    const stream = this.#stream(streamId);
    if (!stream.headers.has(headerId))
      throw new RangeError(`Unknown header id ${headerId} for stream ${streamId}`);
    if (stream.last !== undefined && fragment.fragmentNumber <= stream.last) {
      throw outOfOrder(streamId, fragment.fragmentNumber, stream.last);
    }
    const meta = toFragmentMeta(fragment, payloadSize(payload), headerId);
    stream.last = meta.fragmentNumber;
    stream.fragments.push({ meta, payload: payload.map((slice) => new Uint8Array(slice)) });
    insertSorted(stream.byProducer, { ts: meta.producerTimestampMs, fn: meta.fragmentNumber });
    insertSorted(stream.byServer, { ts: meta.serverTimestampMs, fn: meta.fragmentNumber });
    this.#waiters.notify(streamId, meta.fragmentNumber);
    return { ...meta };
  }

  getFragment(streamId: string, fragmentNumber: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    const fragments = this.#streams.get(streamId)?.fragments;
    if (!fragments) return undefined;
    const at = lowerBound(fragments, (f) => compareStrings(f.meta.fragmentNumber, fragmentNumber));
    const found = fragments[at];
    return found && found.meta.fragmentNumber === fragmentNumber ? { ...found.meta } : undefined;
  }

  fragmentAfter(streamId: string, fragmentNumber: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    const fragments = this.#streams.get(streamId)?.fragments;
    const bound = toStoredWidth(fragmentNumber);
    if (!fragments || bound === undefined || bound === 'above') return undefined;
    const found = fragments[upperBound(fragments, (f) => compareStrings(f.meta.fragmentNumber, bound))];
    return found && { ...found.meta };
  }

  earliest(streamId: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    const found = this.#streams.get(streamId)?.fragments[0];
    return found && { ...found.meta };
  }

  latest(streamId: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    const found = this.#streams.get(streamId)?.fragments.at(-1);
    return found && { ...found.meta };
  }

  #timeIndex(streamId: string, clock: TimestampClock): TimeKey[] {
    const stream = this.#streams.get(streamId);
    if (!stream) return [];
    return clock === 'PRODUCER' ? stream.byProducer : stream.byServer;
  }

  findByTimestamp(streamId: string, clock: TimestampClock, timestampMs: number): FragmentMeta | undefined {
    assertStreamId(streamId);
    const keys = this.#timeIndex(streamId, clock);
    return findContaining(
      {
        lastStartAtOrBefore: (t) => keys[upperBound(keys, (k) => k.ts - t) - 1]?.ts,
        firstAt: (ts) => keys[lowerBound(keys, (k) => k.ts - ts)]?.fn,
        firstAfter: (t) => keys[upperBound(keys, (k) => k.ts - t)]?.fn,
        get: (fn) => this.getFragment(streamId, fn),
      },
      timestampMs,
    );
  }

  listByTimestamp(
    streamId: string,
    clock: TimestampClock,
    startMs: number,
    endMs: number,
    limit: number,
    after?: TimestampCursor,
  ): FragmentMeta[] {
    assertStreamId(streamId);
    const keys = this.#timeIndex(streamId, clock);
    const cursor = after && { ts: after.timestampMs, fn: after.fragmentNumber };
    let at = lowerBound(keys, (k) => k.ts - startMs);
    if (cursor && cursor.ts >= startMs) at = upperBound(keys, (k) => compareTimeKeys(k, cursor));
    const out: FragmentMeta[] = [];
    for (; at < keys.length && out.length < limit; at++) {
      const key = keys[at] as TimeKey;
      if (key.ts > endMs) break;
      const meta = this.getFragment(streamId, key.fn);
      if (meta) out.push(meta);
    }
    return out;
  }

  openPayload(streamId: string, meta: FragmentMeta): Readable {
    assertStreamId(streamId);
    const fragments = this.#streams.get(streamId)?.fragments ?? [];
    const found =
      fragments[lowerBound(fragments, (f) => compareStrings(f.meta.fragmentNumber, meta.fragmentNumber))];
    if (!found || found.meta.fragmentNumber !== meta.fragmentNumber) {
      const missing = new Readable({ read() {} });
      missing.destroy(new Error(`Fragment ${meta.fragmentNumber} of stream ${streamId} is not stored`));
      return missing;
    }
    // Byte mode, like the file backend; the stored slices are handed out as views, not copies.
    const slices = found.payload.map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength));
    return Readable.from(slices, { objectMode: false });
  }

  waitForAppend(
    streamId: string,
    afterFragmentNumber: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    assertStreamId(streamId);
    const latest = this.#streams.get(streamId)?.fragments.at(-1)?.meta.fragmentNumber;
    return this.#waiters.wait(streamId, afterFragmentNumber, latest, signal);
  }

  storedBytes(streamId: string): number {
    assertStreamId(streamId);
    let bytes = 0;
    for (const f of this.#streams.get(streamId)?.fragments ?? []) bytes += f.meta.size;
    return bytes;
  }

  async applyRetention(streamId: string, cutoffMs: number): Promise<void> {
    assertStreamId(streamId);
    const stream = this.#streams.get(streamId);
    if (!stream) return;
    const expired = (meta: FragmentMeta): boolean => meta.serverTimestampMs < cutoffMs;
    if (!stream.fragments.some((f) => expired(f.meta))) return;
    const gone = new Set(stream.fragments.filter((f) => expired(f.meta)).map((f) => f.meta.fragmentNumber));
    stream.fragments = stream.fragments.filter((f) => !gone.has(f.meta.fragmentNumber));
    stream.byProducer = stream.byProducer.filter((k) => !gone.has(k.fn));
    stream.byServer = stream.byServer.filter((k) => !gone.has(k.fn));
  }

  async dropStream(streamId: string): Promise<void> {
    assertStreamId(streamId);
    this.#streams.delete(streamId);
  }
}

function insertSorted(keys: TimeKey[], key: TimeKey): void {
  // Timestamps usually grow with fragment numbers, so appending at the end is the common case.
  const last = keys.at(-1);
  if (!last || compareTimeKeys(last, key) <= 0) keys.push(key);
  else
    keys.splice(
      upperBound(keys, (k) => compareTimeKeys(k, key)),
      0,
      key,
    );
}
