/**
 * The embedded, durable FragmentStore: fragment bytes in append-only segment files per stream
 * (StreamLog), an LMDB index (FragmentIndex), recovery on open. An append goes
 *   write (stream lock, writev) → group-committed fdatasync → index commit (in call order) →
 *   wake waiters → resolve,
 * so an acknowledged fragment is on disk and findable. Every segment holds a HEADER record for
 * each header its fragments use (written before the first such fragment), so retention can
 * delete whole segments and the index can always be rebuilt from segments alone.
 * Must not know about Matroska, HTTP or the control plane.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { silentLogger, type Logger } from '../../core/logger.js';
import { AppendWaiters } from '../append-waiters.js';
import {
  assertFragmentInput,
  assertHeader,
  assertStreamId,
  headerDigest,
  isStreamId,
  outOfOrder,
  payloadSize,
  toFragmentMeta as toStoredMeta,
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
import { FragmentIndex, toFragmentMeta } from './fragment-index.js';
import type { IndexedFragment, MetaEnv } from './lmdb-env.js';
import { encodeFragmentRecord, encodeHeaderRecord } from './record.js';
import { DROPPED_MARK } from './meta-reconcile.js';
import { recoverStream } from './recovery.js';
import { fsyncDirectory, segmentPath } from './segment-files.js';
import { planRetention } from './retention.js';
import { StreamLog } from './stream-log.js';
import { chainCommit, newFileStream, quiesce, type FileStream } from './stream-state.js';
import { VerifiedReads } from './verified-read.js';

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const ignore = (): void => undefined;

export interface FileFragmentStoreOptions {
  dataDir: string;
  env: MetaEnv;
  segmentBytes?: number;
  logger?: Logger;
}

export class FileFragmentStore implements FragmentStore {
  readonly capabilities = { persistent: true };
  readonly #streamsDir: string;
  readonly #index: FragmentIndex;
  readonly #segmentBytes: number;
  readonly #logger: Logger;
  readonly #streams = new Map<string, FileStream>();
  readonly #dropping = new Set<string>();
  readonly #waiters = new AppendWaiters();
  readonly #reads: VerifiedReads;
  /**
   * fdatasync calls issued (tests and benchmarks of the group commit), and reads that found a
   * stored fragment damaged (checksum or framing; see verified-read.ts), for metrics.
   */
  readonly stats = { syncs: 0, corruptReads: 0 };
  #state: 'new' | 'open' | 'closed' = 'new';

  constructor(options: FileFragmentStoreOptions) {
    this.#streamsDir = join(options.dataDir, 'streams');
    this.#index = new FragmentIndex(options.env);
    this.#segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.#logger = options.logger ?? silentLogger;
    if (!(this.#segmentBytes > 0)) throw new RangeError('segmentBytes must be positive');
    this.#reads = new VerifiedReads((loc, err) => {
      this.stats.corruptReads++;
      this.#logger.error(
        { path: loc.path, fragmentNumber: loc.fragmentNumber, offset: loc.off, reason: err.message },
        'stored fragment is corrupt; not serving it',
      );
    });
  }

  async open(): Promise<void> {
    if (this.#state !== 'new') throw new Error('FileFragmentStore can only be opened once');
    if ((await mkdir(this.#streamsDir, { recursive: true })) !== undefined) {
      await fsyncDirectory(dirname(this.#streamsDir)); // the new streams/ entry must survive a crash
    }
    const onDisk = new Set<string>();
    for (const entry of await readdir(this.#streamsDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.includes(DROPPED_MARK)) {
        await rm(join(this.#streamsDir, entry.name), { recursive: true, force: true });
      } else if (isStreamId(entry.name)) {
        onDisk.add(entry.name);
      }
    }
    for (const streamId of this.#index.streamIds()) {
      // Indexed but without a directory: the stream was dropped (or its data removed); forget it.
      if (!onDisk.has(streamId)) await this.#index.dropStream(streamId);
    }
    for (const streamId of onDisk) {
      const { segments, cursor } = await recoverStream(
        streamId,
        this.#dir(streamId),
        this.#index,
        this.#logger,
      );
      const stream = this.#addStream(
        streamId,
        new StreamLog(this.#logOptions(streamId, segments, cursor.pos)),
      );
      const latest = this.#index.latest(streamId)?.fragmentNumber;
      stream.last =
        cursor.last !== undefined && (latest === undefined || cursor.last > latest) ? cursor.last : latest;
      stream.committedLast = stream.last;
      stream.nextHeaderId = cursor.nextHeaderId;
      for (const [id, stored] of this.#index.headers(streamId)) {
        const header = { ebmlHeader: stored.ebml, segmentHeader: stored.segment };
        stream.headers.set(id, header);
        stream.headerIdByDigest.set(headerDigest(header), id);
        stream.nextHeaderId = Math.max(stream.nextHeaderId, id + 1);
      }
    }
    this.#state = 'open';
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    await Promise.all([...this.#streams.values()].map((s) => quiesce(s, () => s.log.closeLocked())));
  }

  storedBytes(streamId: string): number {
    assertStreamId(streamId);
    let bytes = 0;
    for (const segment of this.#streams.get(streamId)?.log.segments ?? []) bytes += segment.size;
    return bytes;
  }

  lastFragmentNumber(streamId: string): string | undefined {
    assertStreamId(streamId);
    return this.#streams.get(streamId)?.last;
  }

  async putHeader(streamId: string, header: StreamHeader): Promise<number> {
    assertHeader(header);
    const stream = this.#writable(streamId);
    const digest = headerDigest(header);
    const known = stream.headerIdByDigest.get(digest);
    if (known !== undefined) {
      await stream.headerCommits.get(known);
      return known;
    }
    const id = stream.nextHeaderId++;
    const copy = {
      ebmlHeader: new Uint8Array(header.ebmlHeader),
      segmentHeader: new Uint8Array(header.segmentHeader),
    };
    stream.headers.set(id, copy);
    stream.headerIdByDigest.set(digest, id);
    const record = encodeHeaderRecord(id, copy);
    const written = stream.log.write(() => [record], true);
    const committed = chainCommit(stream, written, (w) =>
      this.#index.commit(
        streamId,
        { headers: new Map([[id, { ebml: copy.ebmlHeader, segment: copy.segmentHeader }]]) },
        { pos: w.end, nextHeaderId: stream.nextHeaderId, last: stream.committedLast },
      ),
    );
    stream.headerCommits.set(id, committed);
    try {
      await committed;
      return id;
    } catch (err) {
      // Forget the header so a retry writes it again instead of reusing an id that is not durable.
      stream.headers.delete(id);
      stream.headerIdByDigest.delete(digest);
      throw err;
    } finally {
      stream.headerCommits.delete(id);
    }
  }

  getHeader(streamId: string, headerId: number): StreamHeader | undefined {
    assertStreamId(streamId);
    return this.#streams.get(streamId)?.headers.get(headerId);
  }

  appendFragment(
    streamId: string,
    headerId: number,
    fragment: FragmentInput,
    payload: readonly Uint8Array[],
    options?: { durable?: boolean },
  ): Promise<FragmentMeta> {
    // Everything up to log.write runs synchronously, so call order decides ordering and rejection.
    try {
      assertFragmentInput(fragment, payload);
      const stream = this.#writable(streamId);
      const header = stream.headers.get(headerId);
      if (!header) throw new RangeError(`Unknown header id ${headerId} for stream ${streamId}`);
      if (stream.last !== undefined && fragment.fragmentNumber <= stream.last) {
        throw outOfOrder(streamId, fragment.fragmentNumber, stream.last);
      }
      stream.last = fragment.fragmentNumber;
      const meta = toStoredMeta(fragment, payloadSize(payload), headerId);
      const record = encodeFragmentRecord(meta, payload);
      const durable = options?.durable ?? true;
      const written = stream.log.write(
        (present) => (present.has(headerId) ? [record] : [encodeHeaderRecord(headerId, header), record]),
        durable,
      );
      return chainCommit(stream, written, async (w) => {
        const entry: IndexedFragment = {
          ...meta,
          seg: w.base,
          off: (w.offsets.at(-1) as number) + record.payloadOffset,
          pre: record.payloadOffset,
        };
        try {
          await this.#index.commit(
            streamId,
            { fragments: [entry] },
            {
              pos: w.end,
              nextHeaderId: stream.nextHeaderId,
              last: meta.fragmentNumber,
            },
          );
        } catch (err) {
          // Answered with ERROR: take the record back so no restart resurrects it. Not awaited:
          // it needs the write lock, which a queued retention may hold while waiting for us.
          stream.log
            .discardFailed(w.base, w.offsets[0] as number, w.end - w.base)
            .catch((cause: unknown) =>
              this.#logger.error({ err: cause, streamId }, 'taking back a failed append failed'),
            );
          throw err;
        }
        stream.committedLast = meta.fragmentNumber;
        this.#waiters.notify(streamId, meta.fragmentNumber);
        return { ...meta };
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  getFragment(streamId: string, fragmentNumber: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    const entry = this.#index.get(streamId, fragmentNumber);
    return entry && toFragmentMeta(entry);
  }

  fragmentAfter(streamId: string, fragmentNumber: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    const entry = this.#index.after(streamId, fragmentNumber);
    return entry && toFragmentMeta(entry);
  }

  earliest(streamId: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    const entry = this.#index.earliest(streamId);
    return entry && toFragmentMeta(entry);
  }

  latest(streamId: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    const entry = this.#index.latest(streamId);
    return entry && toFragmentMeta(entry);
  }

  findByTimestamp(streamId: string, clock: TimestampClock, timestampMs: number): FragmentMeta | undefined {
    assertStreamId(streamId);
    return findContaining(this.#index.seeks(streamId, clock), timestampMs);
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
    return this.#index.list(streamId, clock, startMs, endMs, limit, after);
  }

  openPayload(streamId: string, meta: FragmentMeta): Readable {
    assertStreamId(streamId);
    const entry = this.#index.get(streamId, meta.fragmentNumber);
    if (!entry) {
      const missing = new Readable({ read: ignore });
      missing.destroy(new Error(`Fragment ${meta.fragmentNumber} of stream ${streamId} is not stored`));
      return missing;
    }
    return this.#reads.open({
      path: segmentPath(this.#dir(streamId), entry.seg),
      fragmentNumber: entry.fragmentNumber,
      off: entry.off,
      size: entry.size,
      ...(entry.pre !== undefined ? { pre: entry.pre } : {}),
    });
  }

  waitForAppend(
    streamId: string,
    afterFragmentNumber: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    assertStreamId(streamId);
    const latest = this.#index.latest(streamId)?.fragmentNumber;
    return this.#waiters.wait(streamId, afterFragmentNumber, latest, signal);
  }

  async applyRetention(streamId: string, cutoffMs: number): Promise<void> {
    assertStreamId(streamId);
    const stream = this.#streams.get(streamId);
    if (!stream || this.#state !== 'open') return;
    // Most sweeps find nothing expired: answer those from the index without taking the lock.
    if (!this.#hasExpired(streamId, cutoffMs)) return;
    await quiesce(stream, async () => {
      if (!this.#hasExpired(streamId, cutoffMs)) return;
      const { bases, doomed } = planRetention(this.#index.entries(streamId), stream.log.segments, cutoffMs);
      // Files first: if we crash in between, recovery drops entries whose segment is gone.
      await stream.log.deleteSegmentsLocked(bases);
      await this.#index.remove(streamId, doomed);
    });
  }

  async dropStream(streamId: string): Promise<void> {
    assertStreamId(streamId);
    if (this.#dropping.has(streamId)) throw new Error(`Stream ${streamId} is already being dropped`);
    this.#dropping.add(streamId);
    try {
      const stream = this.#streams.get(streamId);
      if (stream) await quiesce(stream, () => stream.log.closeLocked());
      this.#streams.delete(streamId);
      // Rename first so a crash midway cannot resurrect the stream from its segments on reopen.
      const grave = join(this.#streamsDir, `${streamId}${DROPPED_MARK}${randomBytes(4).toString('hex')}`);
      let buried = true;
      try {
        await rename(this.#dir(streamId), grave);
        await fsyncDirectory(this.#streamsDir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        buried = false;
      }
      await this.#index.dropStream(streamId);
      if (buried) await rm(grave, { recursive: true, force: true });
    } finally {
      this.#dropping.delete(streamId);
    }
  }

  #hasExpired(streamId: string, cutoffMs: number): boolean {
    const first = this.#index.earliest(streamId);
    return first !== undefined && first.serverTimestampMs < cutoffMs;
  }

  #addStream(streamId: string, log: StreamLog): FileStream {
    const stream = newFileStream(log);
    this.#streams.set(streamId, stream);
    return stream;
  }

  #dir(streamId: string): string {
    return join(this.#streamsDir, streamId);
  }

  #logOptions(
    streamId: string,
    segments: StreamLog['segments'],
    floor: number,
  ): ConstructorParameters<typeof StreamLog>[0] {
    return {
      dir: this.#dir(streamId),
      segmentBytes: this.#segmentBytes,
      segments: [...segments],
      floor,
      logger: this.#logger,
      stats: this.stats,
    };
  }

  /** The stream's state for a mutating call, created on first use. */
  #writable(streamId: string): FileStream {
    assertStreamId(streamId);
    if (this.#state !== 'open') throw new Error('FileFragmentStore is not open');
    if (this.#dropping.has(streamId)) throw new Error(`Stream ${streamId} is being dropped`);
    return (
      this.#streams.get(streamId) ??
      this.#addStream(streamId, new StreamLog(this.#logOptions(streamId, [], 0)))
    );
  }
}
