/**
 * The fragment index of the file backend on top of LMDB: O(log n) seeks by fragment number and
 * by timestamp, and the transactions that add or remove entries together with the stream's
 * cursor. It is derived data: recovery can rebuild it from segment files at any time.
 * Must not know about files (it stores segment bases and offsets as plain numbers).
 */
import { toStoredWidth } from '../checks.js';
import type { TimeIndexSeeks } from '../time-lookup.js';
import type { FragmentMeta, TimestampClock, TimestampCursor } from '../types.js';
import {
  HIGH,
  type IndexedFragment,
  type MetaEnv,
  type StoredHeader,
  type StreamCursor,
  type TimeKey,
  settled,
} from './lmdb-env.js';

export function toFragmentMeta(entry: IndexedFragment): FragmentMeta {
  const { seg: _seg, off: _off, pre: _pre, ...meta } = entry;
  return meta;
}

export class FragmentIndex {
  readonly #env: MetaEnv;

  constructor(env: MetaEnv) {
    this.#env = env;
  }

  get(streamId: string, fragmentNumber: string): IndexedFragment | undefined {
    return this.#env.fragments.get([streamId, fragmentNumber]);
  }

  after(streamId: string, fragmentNumber: string): IndexedFragment | undefined {
    const bound = toStoredWidth(fragmentNumber);
    if (bound === undefined || bound === 'above') return undefined;
    return this.#first({ start: [streamId, bound], end: [streamId, HIGH], exclusiveStart: true });
  }

  earliest(streamId: string): IndexedFragment | undefined {
    return this.#first({ start: [streamId], end: [streamId, HIGH] });
  }

  latest(streamId: string): IndexedFragment | undefined {
    return this.#first({ start: [streamId, HIGH], end: [streamId], reverse: true });
  }

  /** Entries in fragment-number order (oldest first, or newest first with `reverse`). */
  *entries(streamId: string, reverse = false): Generator<IndexedFragment> {
    const range = reverse
      ? { start: [streamId, HIGH], end: [streamId], reverse, snapshot: false }
      : { start: [streamId], end: [streamId, HIGH], snapshot: false };
    for (const { value } of this.#env.fragments.getRange(range)) yield value;
  }

  #first(range: object): IndexedFragment | undefined {
    for (const { value } of this.#env.fragments.getRange({ ...range, limit: 1 })) return value;
    return undefined;
  }

  seeks(streamId: string, clock: TimestampClock): TimeIndexSeeks {
    const db = clock === 'PRODUCER' ? this.#env.byProducer : this.#env.byServer;
    const firstKey = (range: object): TimeKey | undefined => {
      for (const key of db.getKeys({ ...range, limit: 1 })) return key;
      return undefined;
    };
    return {
      lastStartAtOrBefore: (t) =>
        firstKey({ start: [streamId, t, HIGH], end: [streamId], reverse: true })?.[1],
      firstAt: (ts) => firstKey({ start: [streamId, ts], end: [streamId, ts, HIGH] })?.[2],
      firstAfter: (t) => firstKey({ start: [streamId, t, HIGH], end: [streamId, HIGH] })?.[2],
      get: (fn) => {
        const entry = this.get(streamId, fn);
        return entry && toFragmentMeta(entry);
      },
    };
  }

  list(
    streamId: string,
    clock: TimestampClock,
    startMs: number,
    endMs: number,
    limit: number,
    after?: TimestampCursor,
  ): FragmentMeta[] {
    if (limit <= 0 || !(startMs <= endMs)) return [];
    const db = clock === 'PRODUCER' ? this.#env.byProducer : this.#env.byServer;
    const resume = after !== undefined && after.timestampMs >= startMs;
    const range = {
      start: resume ? [streamId, after.timestampMs, after.fragmentNumber] : [streamId, startMs],
      end: [streamId, endMs, HIGH],
      exclusiveStart: resume,
      limit,
    };
    const out: FragmentMeta[] = [];
    for (const key of db.getKeys(range)) {
      const entry = this.get(streamId, key[2]);
      if (entry) out.push(toFragmentMeta(entry));
    }
    return out;
  }

  cursor(streamId: string): StreamCursor | undefined {
    return this.#env.cursors.get(streamId);
  }

  streamIds(): string[] {
    return [...this.#env.cursors.getKeys({})];
  }

  *headers(streamId: string): Generator<[number, StoredHeader]> {
    for (const { key, value } of this.#env.headers.getRange({ start: [streamId], end: [streamId, HIGH] })) {
      yield [key[1], value];
    }
  }

  hasHeader(streamId: string, headerId: number): boolean {
    return this.#env.headers.doesExist([streamId, headerId]);
  }

  /** Adds fragments and headers and moves the cursor, atomically (one LMDB transaction). */
  commit(
    streamId: string,
    change: { fragments?: readonly IndexedFragment[]; headers?: ReadonlyMap<number, StoredHeader> },
    cursor: StreamCursor,
  ): Promise<void> {
    const env = this.#env;
    return settled(
      env.root.transaction(() => {
        for (const [id, header] of change.headers ?? []) void env.headers.put([streamId, id], header);
        for (const entry of change.fragments ?? []) {
          void env.fragments.put([streamId, entry.fragmentNumber], entry);
          void env.byProducer.put(
            [streamId, entry.producerTimestampMs, entry.fragmentNumber],
            entry.fragmentNumber,
          );
          void env.byServer.put(
            [streamId, entry.serverTimestampMs, entry.fragmentNumber],
            entry.fragmentNumber,
          );
        }
        void env.cursors.put(streamId, cursor);
      }),
    );
  }

  /** Removes fragments' entries under all three keys, in one transaction. */
  remove(streamId: string, entries: readonly IndexedFragment[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const env = this.#env;
    return settled(
      env.root.transaction(() => {
        for (const entry of entries) {
          void env.fragments.remove([streamId, entry.fragmentNumber]);
          void env.byProducer.remove([streamId, entry.producerTimestampMs, entry.fragmentNumber]);
          void env.byServer.remove([streamId, entry.serverTimestampMs, entry.fragmentNumber]);
        }
      }),
    );
  }

  /** Removes everything the index knows about the stream, cursor included. */
  dropStream(streamId: string): Promise<void> {
    const env = this.#env;
    return settled(
      env.root.transaction(() => {
        const range = { start: [streamId], end: [streamId, HIGH] };
        for (const key of [...env.fragments.getKeys(range)]) void env.fragments.remove(key);
        for (const key of [...env.byProducer.getKeys(range)]) void env.byProducer.remove(key);
        for (const key of [...env.byServer.getKeys(range)]) void env.byServer.remove(key);
        for (const key of [...env.headers.getKeys(range)]) void env.headers.remove(key);
        void env.cursors.remove(streamId);
      }),
    );
  }
}
