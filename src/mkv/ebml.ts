/**
 * EBML primitives: variable-size integers (vints), element IDs and sizes, payload readers for the
 * scalar types, a walker over the children of a buffered element, and a header reader that copes
 * with a header split across pushed chunks.
 *
 * Owns: the bit-level EBML encoding (RFC 8794 §4–§7) and MkvFormatError. Must not know: Matroska
 * semantics (which element may live where), KVS tags, I/O. Works on Uint8Array only.
 *
 * Written by hand on purpose: no maintained npm EBML library is a push-mode parser that is fast enough
 * for ingest and hands the producer's bytes through untouched (design.md principle 7).
 *
 * Conventions (design.md principle 7): a read returns `null` when more bytes are needed, and a size
 * of `undefined` means "unknown size" (all data bits set, any width 1..8), which is normal in live
 * streams (spec §5.2: the KVS producer SDK writes unknown-size Segments and Clusters).
 */

/** Malformed or unacceptable Matroska input. The ingest layer maps it to a PutMedia error ACK. */
export class MkvFormatError extends Error {
  /** Absolute byte offset in the stream where the problem was detected, when known. */
  readonly offset: number | undefined;

  constructor(reason: string, offset?: number) {
    super(offset === undefined ? reason : `${reason} (at byte ${offset})`);
    this.name = 'MkvFormatError';
    this.offset = offset;
  }
}

/**
 * An element the parser would have to buffer is larger than its limit (MkvIngestParserOptions).
 * Separate from other format errors so the ingest layer can answer with the limit's own ACK
 * (spec §5.5: 4009 for fragment metadata).
 */
export class MkvLimitError extends MkvFormatError {
  /** EBML ID of the element over its limit. */
  readonly elementId: number;

  constructor(reason: string, elementId: number, offset?: number) {
    super(reason, offset);
    this.name = 'MkvLimitError';
    this.elementId = elementId;
  }
}

/** Longest element header: a 4-byte ID (Matroska's EBMLMaxIDLength) plus an 8-byte size. */
export const MAX_HEADER_LENGTH = 12;

/** Width (1..8) of a vint from its first byte; 0 for the invalid first byte 0x00. */
export function vintWidth(first: number): number {
  // clz32 of a byte value is 24 + leading zeros within the byte; the marker bit position is the width.
  return first === 0 ? 0 : Math.clz32(first) - 23;
}

/**
 * Reads a vint's data bits. `null` = not enough bytes. Throws for the invalid first byte 0x00 and for
 * values beyond Number.MAX_SAFE_INTEGER (8-byte vints can hold up to 2^56 - 1).
 */
export function readVint(buf: Uint8Array, offset: number): { value: number; length: number } | null {
  if (offset >= buf.length) return null;
  const first = buf[offset]!;
  const length = vintWidth(first);
  if (length === 0) throw new MkvFormatError('invalid vint (first byte 0x00)');
  if (offset + length > buf.length) return null;
  let value = first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + buf[offset + i]!;
  if (value > Number.MAX_SAFE_INTEGER) throw new MkvFormatError('vint value too large');
  return { value, length };
}

/** Reads an element ID (marker bits kept, as in ids.ts). IDs are 1..4 bytes in Matroska. */
export function readId(buf: Uint8Array, offset: number): { id: number; length: number } | null {
  if (offset >= buf.length) return null;
  const length = vintWidth(buf[offset]!);
  if (length === 0 || length > 4) throw new MkvFormatError('invalid element ID');
  if (offset + length > buf.length) return null;
  let id = 0;
  for (let i = 0; i < length; i++) id = id * 256 + buf[offset + i]!;
  return { id, length };
}

/** Reads an element size; `value` is `undefined` for the reserved all-ones "unknown size" of any width. */
export function readSize(
  buf: Uint8Array,
  offset: number,
): { value: number | undefined; length: number } | null {
  if (offset >= buf.length) return null;
  const first = buf[offset]!;
  const length = vintWidth(first);
  if (length === 0) throw new MkvFormatError('invalid element size (first byte 0x00)');
  if (offset + length > buf.length) return null;
  const mask = 0xff >> length;
  let value = first & mask;
  let allOnes = value === mask;
  for (let i = 1; i < length; i++) {
    const b = buf[offset + i]!;
    allOnes &&= b === 0xff;
    value = value * 256 + b;
  }
  if (allOnes) return { value: undefined, length };
  if (value > Number.MAX_SAFE_INTEGER) throw new MkvFormatError('element size too large');
  return { value, length };
}

export interface ElementHeader {
  id: number;
  /** Payload size in bytes; undefined = unknown size. */
  size: number | undefined;
  /** Bytes of ID + size field; 0 while incomplete. */
  length: number;
}

/**
 * Allocation-free header read into `out`: returns the header length, or 0 if `buf[offset..end)` does
 * not hold the whole header yet. Throws MkvFormatError for an invalid ID or size vint.
 */
export function readElementHeader(buf: Uint8Array, offset: number, end: number, out: ElementHeader): number {
  out.length = 0;
  if (offset >= end) return 0;
  const idLen = vintWidth(buf[offset]!);
  if (idLen === 0 || idLen > 4) throw new MkvFormatError('invalid element ID');
  const s = offset + idLen;
  if (s >= end) return 0;
  let id = buf[offset]!;
  for (let i = 1; i < idLen; i++) id = id * 256 + buf[offset + i]!;
  const first = buf[s]!;
  const sizeLen = vintWidth(first);
  if (sizeLen === 0) throw new MkvFormatError('invalid element size (first byte 0x00)');
  if (s + sizeLen > end) return 0;
  const mask = 0xff >> sizeLen;
  let value = first & mask;
  let allOnes = value === mask;
  for (let i = 1; i < sizeLen; i++) {
    const b = buf[s + i]!;
    allOnes &&= b === 0xff;
    value = value * 256 + b;
  }
  if (!allOnes && value > Number.MAX_SAFE_INTEGER) throw new MkvFormatError('element size too large');
  out.id = id;
  out.size = allOnes ? undefined : value;
  out.length = idLen + sizeLen;
  return out.length;
}

/**
 * Reads element headers that may arrive split across pushed chunks. Bytes of an incomplete header are
 * held in a 12-byte scratch buffer; once complete, `carried` tells how many header bytes came from
 * earlier chunks (available through carriedBytes() until the next read()).
 */
export class StreamingHeaderReader {
  readonly header: ElementHeader = { id: 0, size: 0, length: 0 };
  /** After a completed read: header bytes that came from earlier chunks. */
  carried = 0;
  #scratch = new Uint8Array(MAX_HEADER_LENGTH);
  #held = 0;

  /** Bytes of an incomplete header currently held. */
  get held(): number {
    return this.#held;
  }

  /** Consumes header bytes from chunk[offset..]; returns how many. header.length > 0 when complete. */
  read(chunk: Uint8Array, offset: number): number {
    if (this.#held === 0) {
      const len = readElementHeader(chunk, offset, chunk.length, this.header);
      this.carried = 0;
      if (len > 0) return len;
      // Incomplete, so fewer than MAX_HEADER_LENGTH bytes remain.
      const rest = chunk.length - offset;
      this.#scratch.set(chunk.subarray(offset), 0);
      this.#held = rest;
      return rest;
    }
    const prev = this.#held;
    const take = Math.min(MAX_HEADER_LENGTH - prev, chunk.length - offset);
    this.#scratch.set(chunk.subarray(offset, offset + take), prev);
    const len = readElementHeader(this.#scratch, 0, prev + take, this.header);
    if (len === 0) {
      this.#held = prev + take;
      return take;
    }
    this.carried = prev;
    this.#held = 0;
    return len - prev;
  }

  carriedBytes(): Uint8Array {
    return this.#scratch.subarray(0, this.carried);
  }

  reset(): void {
    this.#held = 0;
    this.carried = 0;
  }
}

/** Unsigned integer payload (0..8 bytes; empty = 0 per RFC 8794 §7.2). */
export function readUint(buf: Uint8Array, start: number, end: number): number {
  if (end - start > 8) throw new MkvFormatError('unsigned integer element longer than 8 bytes', start);
  let value = 0;
  for (let i = start; i < end; i++) value = value * 256 + buf[i]!;
  if (value > Number.MAX_SAFE_INTEGER) throw new MkvFormatError('unsigned integer too large', start);
  return value;
}

/** Float payload: 0, 4 or 8 bytes, big-endian IEEE 754 (RFC 8794 §7.3). */
export function readFloat(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len === 0) return 0;
  const view = new DataView(buf.buffer, buf.byteOffset + start, len);
  if (len === 4) return view.getFloat32(0);
  if (len === 8) return view.getFloat64(0);
  throw new MkvFormatError(`float element of length ${len}`, start);
}

const utf8 = new TextDecoder('utf-8');

/** String / UTF-8 payload; trailing NUL padding is allowed by RFC 8794 §7.4 and stripped. */
export function readString(buf: Uint8Array, start: number, end: number): string {
  let e = end;
  while (e > start && buf[e - 1] === 0) e--;
  return utf8.decode(buf.subarray(start, e));
}

/**
 * Calls `visit` for each child of the buffered element payload buf[start..end), in order. Children
 * must be complete, of known size and inside the parent; anything else throws MkvFormatError.
 */
export function forEachChild(
  buf: Uint8Array,
  start: number,
  end: number,
  visit: (id: number, dataStart: number, dataEnd: number) => void,
): void {
  const h: ElementHeader = { id: 0, size: 0, length: 0 };
  let p = start;
  while (p < end) {
    if (readElementHeader(buf, p, end, h) === 0) throw new MkvFormatError('child header exceeds parent', p);
    if (h.size === undefined) throw new MkvFormatError('unknown-size element where not allowed', p);
    const dataStart = p + h.length;
    const dataEnd = dataStart + h.size;
    if (dataEnd > end) throw new MkvFormatError('element larger than its parent', p);
    visit(h.id, dataStart, dataEnd);
    p = dataEnd;
  }
}

/** Smallest size-field width able to hold `value` (all-ones is reserved for "unknown"). */
export function minSizeWidth(value: number): number {
  let width = 1;
  while (width < 8 && value >= 2 ** (7 * width) - 1) width++;
  return width;
}

/** Encodes an element size as a vint of `width` bytes (default: the shortest that fits). */
export function encodeSize(value: number, width = minSizeWidth(value)): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`invalid element size ${value}`);
  if (width < 1 || width > 8 || value >= 2 ** (7 * width) - 1) {
    throw new RangeError(`size ${value} does not fit a ${width}-byte vint`);
  }
  const out = new Uint8Array(width);
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  out[0]! |= 0x80 >> (width - 1);
  return out;
}

/** The reserved "unknown size" marker of the given width (1 → FF, 8 → 01 FF FF FF FF FF FF FF). */
export function encodeUnknownSize(width = 8): Uint8Array {
  if (width < 1 || width > 8) throw new RangeError(`invalid vint width ${width}`);
  const out = new Uint8Array(width).fill(0xff);
  out[0] = 0xff >> (width - 1);
  return out;
}

/** Encodes an element ID (given with its marker bits, as in ids.ts) as its 1..4 bytes. */
export function encodeId(id: number): Uint8Array {
  if (!Number.isInteger(id) || id < 0x80 || id > 0x1fffffff) throw new RangeError(`invalid element ID ${id}`);
  const length = id >= 0x1000000 ? 4 : id >= 0x10000 ? 3 : id >= 0x100 ? 2 : 1;
  const out = new Uint8Array(length);
  for (let i = 0, v = id; i < length; i++, v = Math.floor(v / 256)) out[length - 1 - i] = v % 256;
  if (vintWidth(out[0]!) !== length)
    throw new RangeError(`element ID 0x${id.toString(16)} has bad marker bits`);
  return out;
}
