/**
 * The append side of one stream's segment files: owns the active segment's file handle, rolls to
 * a new segment at `segmentBytes`, writes records with writev (payload slices are never joined),
 * asks the segment's FsyncBatcher for group-committed syncs, and deletes whole segments.
 * Writes are serialised by one lock per stream, so record order is call order.
 * Must not know about LMDB or what the records mean (it only learns which header ids a segment
 * holds, so the store can keep every segment self-contained).
 */
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../core/logger.js';
import { FsyncBatcher } from './fsync-batcher.js';
import type { EncodedRecord } from './record.js';
import { fsyncDirectory, segmentPath, type SegmentInfo } from './segment-files.js';

export interface WriteResult {
  /** Base of the segment the records went to. */
  base: number;
  /** Start offset in the segment of each record, in the order given. */
  offsets: number[];
  /** Logical position just past the last record (base + offset). */
  end: number;
  /** Set when a sync was requested: resolves once the records are on stable storage. */
  synced: Promise<void> | undefined;
}

interface ActiveSegment {
  info: SegmentInfo;
  handle: FileHandle;
  batcher: FsyncBatcher;
  headerIds: Set<number>;
  /** Offset of each header record, so cutting the tail can forget the headers it removes. */
  headerAt: Map<number, number>;
  /** Records whose index commit failed, [start, end) offsets; cut once nothing follows them. */
  failed: { start: number; end: number }[];
}

export interface StreamLogOptions {
  dir: string;
  segmentBytes: number;
  /** Existing segments, oldest first (from recovery); the last one is reopened for appends. */
  segments: SegmentInfo[];
  /** Lowest base a new segment may get: the end of everything ever written (survives deletion). */
  floor: number;
  logger: Logger;
  stats: { syncs: number };
}

const noop = (): void => undefined;

export class StreamLog {
  readonly dir: string;
  readonly #segmentBytes: number;
  readonly #segments: SegmentInfo[];
  readonly #logger: Logger;
  readonly #stats: { syncs: number };
  #floor: number;
  #active: ActiveSegment | undefined;
  #reopenTail: boolean;
  #lock: Promise<void> = Promise.resolve();
  readonly #retiring = new Set<Promise<void>>();
  #closed = false;

  constructor(options: StreamLogOptions) {
    this.dir = options.dir;
    this.#segmentBytes = options.segmentBytes;
    this.#segments = options.segments;
    this.#floor = options.floor;
    this.#logger = options.logger;
    this.#stats = options.stats;
    this.#reopenTail = this.#segments.length > 0;
  }

  /** Current segments, oldest first; the active one's size is kept up to date. */
  get segments(): readonly SegmentInfo[] {
    return this.#segments;
  }

  /** Runs `task` with the stream's write lock held (retention and drop need a quiet log). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(task);
    this.#lock = run.then(noop, noop);
    return run;
  }

  /**
   * Appends the records `build` returns, back to back. `build` is told which header ids the
   * target segment already holds and is called again if the write rolls to a new segment.
   */
  write(
    build: (headersPresent: ReadonlySet<number>) => EncodedRecord[],
    sync: boolean,
  ): Promise<WriteResult> {
    return this.exclusive(async () => {
      if (this.#closed) throw new Error(`Stream log ${this.dir} is closed`);
      let active = await this.#reopenTailSegment();
      let records = build(active?.headerIds ?? new Set());
      let length = totalLength(records);
      if (!active || (active.info.size > 0 && active.info.size + length > this.#segmentBytes)) {
        if (active) this.#retire(active);
        active = await this.#createSegment();
        records = build(active.headerIds);
        length = totalLength(records);
      }
      const start = active.info.size;
      // The file must still be ours and as long as we left it (issue #11: a segment truncated or
      // deleted while the server runs must not take appends into an unlinked file or behind a hole).
      await this.#checkIntact(active, start);
      try {
        await writeFully(
          active.handle,
          records.flatMap((r) => r.slices),
          start,
        );
      } catch (err) {
        await this.#discardPartialWrite(active, start, length);
        throw err;
      }
      const offsets: number[] = [];
      let at = start;
      for (const record of records) {
        offsets.push(at);
        at += record.length;
        if (record.headerId !== undefined) {
          active.headerIds.add(record.headerId);
          active.headerAt.set(record.headerId, at - record.length);
        }
      }
      active.info.size = at;
      const end = at;
      return {
        base: active.info.base,
        offsets,
        end: active.info.base + at,
        // Checked again once synced, so damage between the write and its sync is caught too.
        synced: sync ? active.batcher.request().then(() => this.#checkIntact(active, end, true)) : undefined,
      };
    });
  }

  /** Deletes whole segments (must hold the lock). Deleting the active one retires it first. */
  async deleteSegmentsLocked(bases: ReadonlySet<number>): Promise<void> {
    if (bases.size === 0) return;
    const tail = this.#segments.at(-1);
    if (tail && bases.has(tail.base)) {
      this.#floor = Math.max(this.#floor, tail.base + tail.size);
      this.#reopenTail = false;
      if (this.#active) this.#retire(this.#active);
      await this.#settleRetiring();
    }
    for (const base of bases) {
      try {
        await unlink(segmentPath(this.dir, base));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const at = this.#segments.findIndex((s) => s.base === base);
      if (at >= 0) this.#segments.splice(at, 1);
    }
    await fsyncDirectory(this.dir);
  }

  /**
   * Takes back records whose index commit failed (full disk, issue #11): they were answered with
   * ERROR, so recovery must not find them after the cursor and index them on the next start.
   * They are cut off the active segment once no record follows them (a later record that did
   * commit moves the cursor past them instead, which hides them from recovery just as well).
   * Runs under the lock; callers must not wait for it from inside the commit chain.
   */
  discardFailed(base: number, start: number, end: number): Promise<void> {
    return this.exclusive(async () => {
      const active = this.#active;
      if (!active || active.info.base !== base) return;
      active.failed.push({ start, end });
      let cut: number | undefined;
      for (let tail = active.failed.find((r) => r.end === active.info.size); tail;) {
        active.failed.splice(active.failed.indexOf(tail), 1);
        cut = tail.start;
        active.info.size = tail.start;
        tail = active.failed.find((r) => r.end === active.info.size);
      }
      if (cut === undefined) return;
      await active.handle.truncate(cut);
      await active.handle.datasync();
      for (const [id, at] of active.headerAt) {
        if (at >= cut) {
          active.headerAt.delete(id);
          active.headerIds.delete(id);
        }
      }
    });
  }

  /** Syncs and closes the active segment; later writes fail (must hold the lock, or use close()). */
  async closeLocked(): Promise<void> {
    this.#closed = true;
    if (this.#active) this.#retire(this.#active);
    await this.#settleRetiring();
  }

  close(): Promise<void> {
    return this.exclusive(() => this.closeLocked());
  }

  async #reopenTailSegment(): Promise<ActiveSegment | undefined> {
    if (this.#active || !this.#reopenTail) return this.#active;
    this.#reopenTail = false;
    const tail = this.#segments.at(-1);
    if (!tail || tail.size >= this.#segmentBytes) return undefined;
    let handle: FileHandle;
    try {
      handle = await open(segmentPath(this.dir, tail.base), 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.#logger.error({ dir: this.dir, segment: tail.base }, 'segment file vanished; starting a new one');
      this.#floor = Math.max(this.#floor, tail.base + tail.size);
      return undefined;
    }
    this.#active = this.#activate(tail, handle);
    return this.#active;
  }

  /**
   * Throws (and stops appending to the segment) unless its file is still linked and exactly
   * `size` bytes long, or at least that long with `atLeast` (later writes may have grown it).
   */
  async #checkIntact(active: ActiveSegment, size: number, atLeast = false): Promise<void> {
    const st = await active.handle.stat();
    const problem =
      st.nlink === 0
        ? 'was deleted'
        : st.size < size || (!atLeast && st.size !== size)
          ? `is ${st.size} bytes long, expected ${size}`
          : undefined;
    if (!problem) return;
    this.#logger.error(
      { dir: this.dir, segment: active.info.base, problem },
      'segment file changed behind the server; appends continue in a new segment',
    );
    // Never reuse positions the damaged file may have claimed; the next write starts a new file.
    this.#floor = Math.max(this.#floor, active.info.base + Math.max(st.size, active.info.size));
    if (this.#active === active) this.#retire(active);
    throw new Error(`segment ${active.info.base} of ${this.dir} ${problem}`);
  }

  async #createSegment(): Promise<ActiveSegment> {
    const last = this.#segments.at(-1);
    const base = Math.max(this.#floor, last ? last.base + last.size : 0);
    // Always (cheap): the directory itself may have been removed behind the server.
    if ((await mkdir(this.dir, { recursive: true })) !== undefined) {
      await fsyncDirectory(dirname(this.dir));
    }
    // 'wx': a name collision would mean two writers or a bookkeeping bug, never overwrite.
    const handle = await open(segmentPath(this.dir, base), 'wx');
    await fsyncDirectory(this.dir);
    const info = { base, size: 0 };
    this.#segments.push(info);
    this.#active = this.#activate(info, handle);
    return this.#active;
  }

  #activate(info: SegmentInfo, handle: FileHandle): ActiveSegment {
    const batcher = new FsyncBatcher(() => {
      this.#stats.syncs++;
      return handle.datasync();
    });
    return { info, handle, batcher, headerIds: new Set(), headerAt: new Map(), failed: [] };
  }

  /** Final sync then close, in the background; appends that asked for a sync already hold it. */
  #retire(active: ActiveSegment): void {
    if (this.#active === active) this.#active = undefined;
    const done = active.batcher
      .request()
      .catch((err: unknown) => this.#logger.error({ err, dir: this.dir }, 'final segment sync failed'))
      .finally(() => active.handle.close())
      .catch((err: unknown) => this.#logger.error({ err, dir: this.dir }, 'closing a segment failed'))
      .finally(() => this.#retiring.delete(done));
    this.#retiring.add(done);
  }

  async #settleRetiring(): Promise<void> {
    while (this.#retiring.size > 0) await Promise.all([...this.#retiring]);
  }

  /** After a failed write, cut the partial record off, or stop appending to this segment. */
  async #discardPartialWrite(active: ActiveSegment, size: number, attempted: number): Promise<void> {
    try {
      await active.handle.truncate(size);
    } catch (err) {
      this.#logger.error(
        { err, dir: this.dir },
        'truncating a failed write failed; rolling to a new segment',
      );
      // Positions past `size` in the old file may hold garbage; the next segment starts after it.
      this.#floor = Math.max(this.#floor, active.info.base + size + attempted);
      this.#retire(active);
    }
  }
}

function totalLength(records: readonly EncodedRecord[]): number {
  let length = 0;
  for (const record of records) length += record.length;
  return length;
}

/** writev until every byte is written: writev may write less (e.g. more slices than IOV_MAX). */
async function writeFully(handle: FileHandle, slices: Uint8Array[], position: number): Promise<void> {
  let pending = slices.filter((s) => s.byteLength > 0);
  let at = position;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending, at);
    at += bytesWritten;
    let skip = bytesWritten;
    let index = 0;
    while (index < pending.length && skip >= (pending[index] as Uint8Array).byteLength) {
      skip -= (pending[index] as Uint8Array).byteLength;
      index++;
    }
    pending = pending.slice(index);
    if (skip > 0 && pending[0]) pending[0] = pending[0].subarray(skip);
    if (bytesWritten === 0 && pending.length > 0) throw new Error('writev wrote no bytes');
  }
}
