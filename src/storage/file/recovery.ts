/**
 * Start-up reconciliation of one stream's index with its segment files, which are the source of
 * truth (design.md §9):
 *   1. index entries whose segment file is gone (retention interrupted between unlink and index
 *      update) or that point past the end of their segment (data lost after the index commit)
 *      are dropped;
 *   2. records after the cursor ("indexed up to" position) are scanned, CRC-checked and indexed;
 *      a torn or corrupt record ends its segment: the file is truncated there;
 * With no cursor at all (meta.lmdb deleted) the scan starts at the first segment, which rebuilds
 * the whole index. Must not know about the live write path.
 */
import { mkdir, open, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/logger.js';
import { crc32 } from './crc32.js';
import type { FragmentIndex } from './fragment-index.js';
import type { IndexedFragment, StoredHeader, StreamCursor } from './lmdb-env.js';
import {
  RECORD_PREFIX_BYTES,
  RecordType,
  decodeFragmentMeta,
  decodeHeaderMeta,
  decodePrefix,
} from './record.js';
import { listSegments, segmentName, segmentPath, type SegmentInfo } from './segment-files.js';

const READ_CHUNK = 1024 * 1024;
const MAGIC = Buffer.from('KVDR', 'latin1');
/** Damaged records are copied here (per stream directory), named <segment base>-<offset>.bad. */
export const QUARANTINE_DIR = 'quarantine';
/** Index entries are committed in batches of this many while a large log is rescanned. */
const COMMIT_BATCH = 2000;

export interface RecoveredStream {
  segments: SegmentInfo[];
  cursor: StreamCursor;
  /** Damaged records copied aside (and skipped) by this recovery. */
  quarantined: number;
}

interface ScannedRecord {
  type: RecordType;
  offset: number;
  end: number;
  payloadOffset: number;
  meta: Uint8Array;
  /** Only kept for HEADER records; fragment payloads are checksummed, not retained. */
  payload?: Buffer;
}

export async function recoverStream(
  streamId: string,
  dir: string,
  index: FragmentIndex,
  logger: Logger,
): Promise<RecoveredStream> {
  const segments = await listSegments(dir);
  const sizeOf = new Map(segments.map((s) => [s.base, s.size]));
  const stored = index.cursor(streamId);
  const cursor: StreamCursor = stored ? { ...stored } : { pos: 0, nextHeaderId: 1 };

  // 1. Entries without data, at the head (deleted segments) and at the tail (lost writes).
  const doomed = new Map<string, IndexedFragment>();
  for (const entry of index.entries(streamId)) {
    if (sizeOf.has(entry.seg)) break;
    doomed.set(entry.fragmentNumber, entry);
  }
  let lostTail = false;
  for (const entry of index.entries(streamId, true)) {
    const size = sizeOf.get(entry.seg);
    if (size !== undefined && entry.off + entry.size <= size) break;
    doomed.set(entry.fragmentNumber, entry);
    lostTail = true;
  }
  if (doomed.size > 0) {
    logger.warn({ streamId, entries: doomed.size }, 'dropping index entries whose data is missing');
    await index.remove(streamId, [...doomed.values()]);
  }

  // 2. Where to resume scanning: the cursor, unless the data under it is gone.
  const holder = segments.findLast((s) => s.base <= cursor.pos);
  if (lostTail || (holder && cursor.pos > holder.base + holder.size)) {
    const latest = index.latest(streamId);
    cursor.pos = latest ? latest.seg + latest.off + latest.size : 0;
  }

  let latestNumber = index.latest(streamId)?.fragmentNumber;
  let fragments: IndexedFragment[] = [];
  let headers = new Map<number, StoredHeader>();
  const flush = async (): Promise<void> => {
    await index.commit(streamId, { fragments, headers }, { ...cursor });
    fragments = [];
    headers = new Map();
  };

  let quarantined = 0;
  for (const segment of segments) {
    if (segment.base + segment.size <= cursor.pos) continue;
    const from = Math.max(0, cursor.pos - segment.base);
    const quarantine = async (offset: number, bytes: Buffer, reason: string): Promise<void> => {
      const into = join(dir, QUARANTINE_DIR);
      await mkdir(into, { recursive: true });
      const file = join(into, `${segmentName(segment.base)}-${offset}.bad`);
      await writeFile(file, bytes, { flush: true });
      logger.error(
        { streamId, segment: segment.base, offset, bytes: bytes.length, reason, file },
        'quarantined a damaged record; recovery continues after it',
      );
    };
    const scanned = await scanSegment(
      segmentPath(dir, segment.base),
      from,
      segment.size,
      async (record) => {
        if (record.type === RecordType.Fragment) {
          const meta = decodeFragmentMeta(record.meta);
          if (!meta) return false;
          if (latestNumber === undefined || meta.fragmentNumber > latestNumber) {
            fragments.push({
              ...meta,
              seg: segment.base,
              off: record.payloadOffset,
              pre: record.payloadOffset - record.offset,
            });
            latestNumber = meta.fragmentNumber;
            if (cursor.last === undefined || meta.fragmentNumber > cursor.last)
              cursor.last = meta.fragmentNumber;
          }
        } else {
          const meta = decodeHeaderMeta(record.meta);
          const payload = record.payload;
          if (!meta || !payload || meta.ebmlLength > payload.length) return false;
          if (!headers.has(meta.headerId) && !index.hasHeader(streamId, meta.headerId)) {
            headers.set(meta.headerId, {
              ebml: payload.subarray(0, meta.ebmlLength),
              segment: payload.subarray(meta.ebmlLength),
            });
          }
          cursor.nextHeaderId = Math.max(cursor.nextHeaderId, meta.headerId + 1);
        }
        cursor.pos = segment.base + record.end;
        if (fragments.length >= COMMIT_BATCH) await flush();
        return true;
      },
      quarantine,
    );
    quarantined += scanned.quarantined;
    if (scanned.damage) {
      logger.warn(
        {
          streamId,
          segment: segment.base,
          offset: scanned.end,
          cutBytes: segment.size - scanned.end,
          reason: scanned.damage,
        },
        'truncating a torn or corrupt segment tail',
      );
    }
    segment.size = scanned.end;
    cursor.pos = Math.max(cursor.pos, segment.base + scanned.end);
  }
  if (fragments.length > 0 || headers.size > 0 || !sameCursor(stored, cursor)) await flush();
  return { segments, cursor, quarantined };
}

function sameCursor(a: StreamCursor | undefined, b: StreamCursor): boolean {
  return a !== undefined && a.pos === b.pos && a.nextHeaderId === b.nextHeaderId && a.last === b.last;
}

type ReadOutcome = { record: Omit<ScannedRecord, 'offset'> & { end: number } } | { damage: string };

/** Reads and checks the record at `at`; header payloads are kept, fragment payloads only checksummed. */
async function readRecordAt(
  handle: FileHandle,
  at: number,
  size: number,
  chunk: Buffer,
): Promise<ReadOutcome> {
  if (size - at < RECORD_PREFIX_BYTES) return { damage: 'torn record prefix' };
  const prefixBytes = Buffer.alloc(RECORD_PREFIX_BYTES);
  await readExactly(handle, prefixBytes, at);
  const prefix = decodePrefix(prefixBytes);
  if (!prefix) return { damage: 'invalid record prefix' };
  const payloadOffset = at + RECORD_PREFIX_BYTES + prefix.metaLength;
  const end = payloadOffset + prefix.payloadLength;
  if (end > size) return { damage: 'torn record' };
  const meta = Buffer.alloc(prefix.metaLength);
  await readExactly(handle, meta, at + RECORD_PREFIX_BYTES);
  let crc = crc32(meta);
  const keep: Buffer[] | undefined = prefix.type === RecordType.Header ? [] : undefined;
  for (let pos = payloadOffset; pos < end; pos += READ_CHUNK) {
    const piece = chunk.subarray(0, Math.min(READ_CHUNK, end - pos));
    await readExactly(handle, piece, pos);
    crc = crc32(piece, crc);
    keep?.push(Buffer.from(piece));
  }
  if (crc !== prefix.bodyCrc) return { damage: 'checksum mismatch' };
  const payload = keep && Buffer.concat(keep);
  return { record: { type: prefix.type, end, payloadOffset, meta, ...(payload ? { payload } : {}) } };
}

/** The offset of the next intact record after `from`, found by its magic and checks, if any. */
async function findNextRecord(
  handle: FileHandle,
  from: number,
  size: number,
  chunk: Buffer,
): Promise<number | undefined> {
  const window = Buffer.alloc(READ_CHUNK);
  for (let base = from; base + RECORD_PREFIX_BYTES <= size; base += READ_CHUNK - 3) {
    const length = Math.min(READ_CHUNK, size - base);
    await readExactly(handle, window.subarray(0, length), base);
    for (
      let hit = window.indexOf(MAGIC, 0);
      hit !== -1 && hit < length;
      hit = window.indexOf(MAGIC, hit + 1)
    ) {
      if (hit + 4 > length) break;
      const outcome = await readRecordAt(handle, base + hit, size, chunk);
      if ('record' in outcome) return base + hit;
    }
  }
  return undefined;
}

/**
 * Reads records from `from` to `size`, calling `visit` for each intact one (false = undecodable,
 * treated like corruption). A damaged record followed by intact ones is skipped: recovery
 * resynchronises at the next intact record (found by its magic, prefix CRC and body CRC) and
 * the damaged bytes are copied to `quarantine` (issue #11: one bad record must not cost the
 * acknowledged records after it). Damage with nothing intact after it is a torn tail: the file
 * is truncated there, as a crash mid-write leaves it.
 */
async function scanSegment(
  path: string,
  from: number,
  size: number,
  visit: (record: ScannedRecord) => Promise<boolean>,
  quarantine: (offset: number, bytes: Buffer, reason: string) => Promise<void>,
): Promise<{ end: number; damage?: string; quarantined: number }> {
  const handle = await open(path, 'r+');
  try {
    const chunk = Buffer.alloc(READ_CHUNK);
    let at = from;
    let damage: string | undefined;
    let quarantined = 0;
    while (at < size) {
      const outcome = await readRecordAt(handle, at, size, chunk);
      let reason = 'damage' in outcome ? outcome.damage : undefined;
      if ('record' in outcome && !(await visit({ ...outcome.record, offset: at }))) {
        reason = 'undecodable record metadata';
      }
      if (reason === undefined && 'record' in outcome) {
        at = outcome.record.end;
        continue;
      }
      const next = await findNextRecord(handle, at + 1, size, chunk);
      if (next === undefined) {
        damage = reason;
        // A complete record with a bad checksum is damage, not a torn write: keep its bytes.
        if (reason === 'checksum mismatch' || reason === 'undecodable record metadata') {
          await quarantine(at, await readRange(handle, at, size - at), reason ?? 'damaged');
          quarantined++;
        }
        break;
      }
      await quarantine(at, await readRange(handle, at, next - at), reason ?? 'damaged');
      quarantined++;
      at = next;
    }
    if (damage) {
      await handle.truncate(at);
      await handle.datasync();
    }
    return damage ? { end: at, damage, quarantined } : { end: at, quarantined };
  } finally {
    await handle.close();
  }
}

async function readRange(handle: FileHandle, at: number, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  await readExactly(handle, bytes, at);
  return bytes;
}

async function readExactly(handle: FileHandle, into: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error(`Unexpected end of segment file at ${position + done}`);
    done += bytesRead;
  }
}
