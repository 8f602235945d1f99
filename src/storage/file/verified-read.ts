/**
 * Reads of stored fragment payloads that check the record's CRC on the way out (issue #11:
 * "never serve corrupt bytes"). The read covers the whole record, prefix and metadata included,
 * so the checksum the writer stored is recomputed over exactly the bytes it covered; the cost is
 * one CRC-32 pass over bytes the read touches anyway, plus the few hundred bytes before the
 * payload.
 *
 * Release rule: no byte of a fragment is released before its CRC is known to be good, except for
 * payloads streamed in pieces (larger than SHARED_READ_MAX_BYTES), where every piece but the last
 * is released as it is read and the last one only after the CRC matched. A reader of a corrupt
 * large fragment therefore never receives the fragment's final bytes, and the stream errors with
 * CorruptRecordError instead of ending, so the caller can end its response with an error
 * (GetMedia: in-stream error 5000, spec §6.5).
 * Must not know who reads, or about LMDB (it gets the record's location as plain numbers).
 */
import { close, open, read } from 'node:fs';
import { Readable } from 'node:stream';
import { crc32 } from './crc32.js';
import {
  decodeFragmentMeta,
  decodePrefix,
  MAX_META_BYTES,
  RECORD_PREFIX_BYTES,
  RecordType,
} from './record.js';
import { SHARED_READ_MAX_BYTES, SharedReads, bufferReadable } from './shared-read.js';

const STREAM_PIECE_BYTES = 64 * 1024;
/** Metadata JSON is a few hundred bytes; look this far back first when the index lacks `pre`. */
const LOCATE_WINDOW = 4096;

/** A stored record failed verification: its bytes are not what was acknowledged. */
export class CorruptRecordError extends Error {
  readonly code = 'KVIDEO_CORRUPT_RECORD';
  constructor(message: string) {
    super(message);
    this.name = 'CorruptRecordError';
  }
}

/** Where a fragment's record lies, as the index knows it. */
export interface RecordLocation {
  path: string;
  fragmentNumber: string;
  /** Offset of the payload in the segment, and its length. */
  off: number;
  size: number;
  /** Bytes from the record start to the payload (prefix + metadata); absent in old index entries. */
  pre?: number;
}

interface Expected {
  fragmentNumber: string;
  size: number;
  pre: number;
}

/** Checks a record's prefix against what the index expects; returns the stored body CRC. */
function checkPrefix(prefixBytes: Uint8Array, expected: Expected): number {
  const prefix = decodePrefix(prefixBytes);
  if (!prefix) throw new CorruptRecordError('invalid record prefix');
  if (prefix.type !== RecordType.Fragment) throw new CorruptRecordError('not a fragment record');
  if (RECORD_PREFIX_BYTES + prefix.metaLength !== expected.pre || prefix.payloadLength !== expected.size) {
    throw new CorruptRecordError('record lengths differ from the index');
  }
  return prefix.bodyCrc;
}

function checkMeta(meta: Uint8Array, expected: Expected): void {
  if (decodeFragmentMeta(meta)?.fragmentNumber !== expected.fragmentNumber) {
    throw new CorruptRecordError('record metadata names another fragment');
  }
}

/** Verifies a whole record in memory and returns its payload. */
function verifyWhole(record: Buffer, expected: Expected): Buffer {
  if (record.length !== expected.pre + expected.size) throw new CorruptRecordError('record is truncated');
  const bodyCrc = checkPrefix(record.subarray(0, RECORD_PREFIX_BYTES), expected);
  if (crc32(record.subarray(RECORD_PREFIX_BYTES)) !== bodyCrc) {
    throw new CorruptRecordError('checksum mismatch');
  }
  checkMeta(record.subarray(RECORD_PREFIX_BYTES, expected.pre), expected);
  return record.subarray(expected.pre);
}

function openFd(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, 'r', (err, fd) => (err ? reject(err) : resolve(fd))));
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve) => close(fd, () => resolve()));
}

/** Reads up to `into.length` bytes at `position`; fewer only at the end of the file. */
function readAt(fd: number, into: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const more = (filled: number): void => {
      read(fd, into, filled, into.length - filled, position + filled, (err, n) => {
        if (err) return reject(err);
        if (n === 0 || filled + n === into.length) return resolve(filled + n);
        more(filled + n);
      });
    };
    more(0);
  });
}

async function readRange(path: string, position: number, length: number): Promise<Buffer> {
  const fd = await openFd(path);
  try {
    const buffer = Buffer.allocUnsafeSlow(length);
    const filled = await readAt(fd, buffer, position);
    return filled === length ? buffer : buffer.subarray(0, filled);
  } finally {
    await closeFd(fd);
  }
}

/**
 * Finds where the record of a payload starts when the index does not say (entries written
 * before `pre` was indexed): the nearest valid prefix before `off` whose lengths end exactly at it.
 */
async function locatePre(loc: RecordLocation): Promise<number> {
  for (const window of [LOCATE_WINDOW, RECORD_PREFIX_BYTES + MAX_META_BYTES]) {
    const from = Math.max(0, loc.off - window);
    const bytes = await readRange(loc.path, from, loc.off - from);
    for (let at = bytes.length - RECORD_PREFIX_BYTES; at >= 0; at--) {
      const prefix = bytes[at] === 0x4b ? decodePrefix(bytes.subarray(at)) : undefined;
      if (prefix && RECORD_PREFIX_BYTES + prefix.metaLength === bytes.length - at) {
        return bytes.length - at;
      }
    }
    if (from === 0) break;
  }
  throw new CorruptRecordError('no record prefix before the payload');
}

async function expectedOf(loc: RecordLocation): Promise<Expected> {
  const pre = loc.pre ?? (await locatePre(loc));
  if (pre > loc.off) throw new CorruptRecordError('record would start before its segment');
  return { fragmentNumber: loc.fragmentNumber, size: loc.size, pre };
}

export class VerifiedReads {
  readonly #shared = new SharedReads();
  readonly #onCorrupt: (loc: RecordLocation, err: CorruptRecordError) => void;

  /** `onCorrupt` hears of every failed verification once per read from disk. */
  constructor(onCorrupt: (loc: RecordLocation, err: CorruptRecordError) => void) {
    this.#onCorrupt = onCorrupt;
  }

  /** A Readable of the verified payload bytes; errors with CorruptRecordError (see header). */
  open(loc: RecordLocation): Readable {
    if (loc.size === 0 && loc.pre !== undefined) {
      // Nothing to stream, but the record must still be intact.
      return bufferReadable(this.#whole(loc, loc.pre));
    }
    if (loc.pre !== undefined && loc.pre + loc.size <= SHARED_READ_MAX_BYTES) {
      return bufferReadable(this.#whole(loc, loc.pre));
    }
    if (loc.pre === undefined && loc.size <= SHARED_READ_MAX_BYTES - LOCATE_WINDOW) {
      return bufferReadable(expectedOf(loc).then((e) => this.#whole(loc, e.pre)));
    }
    return this.#streamed(loc);
  }

  /** Single-flight whole-record read and check, shared by concurrent readers of the same bytes. */
  #whole(loc: RecordLocation, pre: number): Promise<Buffer> {
    const expected = { fragmentNumber: loc.fragmentNumber, size: loc.size, pre };
    return this.#shared.read(`${loc.off - pre}:${pre + loc.size}:${loc.path}`, async () => {
      const record = await readRange(loc.path, loc.off - pre, pre + loc.size);
      try {
        return verifyWhole(record, expected);
      } catch (err) {
        if (err instanceof CorruptRecordError) this.#onCorrupt(loc, err);
        throw err;
      }
    });
  }

  #streamed(loc: RecordLocation): Readable {
    let fd: number | undefined;
    let expected: Expected;
    let bodyCrc = 0;
    let crc = 0;
    let at = 0; // payload bytes read so far
    const fail = (err: unknown): Error => {
      if (err instanceof CorruptRecordError) this.#onCorrupt(loc, err);
      return err as Error;
    };
    return new Readable({
      highWaterMark: STREAM_PIECE_BYTES,
      construct: (callback) => {
        (async () => {
          expected = await expectedOf(loc);
          fd = await openFd(loc.path);
          const head = Buffer.alloc(expected.pre);
          if ((await readAt(fd, head, loc.off - expected.pre)) !== head.length) {
            throw new CorruptRecordError('record is truncated');
          }
          bodyCrc = checkPrefix(head.subarray(0, RECORD_PREFIX_BYTES), expected);
          checkMeta(head.subarray(RECORD_PREFIX_BYTES), expected);
          crc = crc32(head.subarray(RECORD_PREFIX_BYTES));
        })().then(
          () => callback(),
          (err: unknown) => callback(fail(err)),
        );
      },
      read(this: Readable) {
        const piece = Buffer.allocUnsafe(Math.min(STREAM_PIECE_BYTES, loc.size - at));
        readAt(fd as number, piece, loc.off + at)
          .then((n) => {
            if (n !== piece.length) throw new CorruptRecordError('record is truncated');
            crc = crc32(piece, crc);
            at += n;
            if (at < loc.size) {
              this.push(piece);
              return;
            }
            // The last piece goes out only once the whole record checked out.
            if (crc !== bodyCrc) throw new CorruptRecordError('checksum mismatch');
            this.push(piece);
            this.push(null);
          })
          .catch((err: unknown) => this.destroy(fail(err)));
      },
      destroy(err, callback) {
        if (fd === undefined) return callback(err);
        closeFd(fd).then(
          () => callback(err),
          () => callback(err),
        );
      },
    });
  }
}
