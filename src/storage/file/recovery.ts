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
import { open } from 'node:fs/promises';
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
import { listSegments, segmentPath, type SegmentInfo } from './segment-files.js';

const READ_CHUNK = 1024 * 1024;
/** Index entries are committed in batches of this many while a large log is rescanned. */
const COMMIT_BATCH = 2000;

export interface RecoveredStream {
  segments: SegmentInfo[];
  cursor: StreamCursor;
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

  for (const segment of segments) {
    if (segment.base + segment.size <= cursor.pos) continue;
    const from = Math.max(0, cursor.pos - segment.base);
    const scanned = await scanSegment(segmentPath(dir, segment.base), from, segment.size, async (record) => {
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
    });
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
  return { segments, cursor };
}

function sameCursor(a: StreamCursor | undefined, b: StreamCursor): boolean {
  return a !== undefined && a.pos === b.pos && a.nextHeaderId === b.nextHeaderId && a.last === b.last;
}

/**
 * Reads records from `from` to `size`, calling `visit` for each intact one (false = undecodable,
 * treated like corruption). Truncates the file at the first damaged record and returns where the
 * valid data ends.
 */
async function scanSegment(
  path: string,
  from: number,
  size: number,
  visit: (record: ScannedRecord) => Promise<boolean>,
): Promise<{ end: number; damage?: string }> {
  const handle = await open(path, 'r+');
  try {
    const prefixBytes = Buffer.alloc(RECORD_PREFIX_BYTES);
    const chunk = Buffer.alloc(READ_CHUNK);
    let at = from;
    let damage: string | undefined;
    while (at < size) {
      if (size - at < RECORD_PREFIX_BYTES) {
        damage = 'torn record prefix';
        break;
      }
      await readExactly(handle, prefixBytes, at);
      const prefix = decodePrefix(prefixBytes);
      if (!prefix) {
        damage = 'invalid record prefix';
        break;
      }
      const payloadOffset = at + RECORD_PREFIX_BYTES + prefix.metaLength;
      const end = payloadOffset + prefix.payloadLength;
      if (end > size) {
        damage = 'torn record';
        break;
      }
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
      if (crc !== prefix.bodyCrc) {
        damage = 'checksum mismatch';
        break;
      }
      const payload = keep && Buffer.concat(keep);
      if (!(await visit({ type: prefix.type, offset: at, end, payloadOffset, meta, payload }))) {
        damage = 'undecodable record metadata';
        break;
      }
      at = end;
    }
    if (damage) {
      await handle.truncate(at);
      await handle.datasync();
    }
    return damage ? { end: at, damage } : { end: at };
  } finally {
    await handle.close();
  }
}

async function readExactly(
  handle: import('node:fs/promises').FileHandle,
  into: Buffer,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error(`Unexpected end of segment file at ${position + done}`);
    done += bytesRead;
  }
}
