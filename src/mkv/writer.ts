/**
 * Tree-literal EBML writer: serialises element trees and fills in the size fields.
 *
 * Owns: byte layout of elements kvideo generates (the KVS-style Tags layout of GetMedia chunks, test
 * streams). Must not know: KVS tag names or chunk layout (kvs-chunk.ts), or parsing. Producer bytes are never re-encoded
 * with this — they are passed through verbatim (spec §6.3).
 *
 * Usage:
 *   writeElement(EbmlId.Cluster, [
 *     uintElement(EbmlId.Timecode, 4000),
 *     { id: EbmlId.SimpleBlock, data: frame },
 *   ], { unknownSize: true })
 */
import { encodeId, encodeSize, encodeUnknownSize, minSizeWidth } from './ebml.js';
import { EbmlId } from './ids.js';
import type { SimpleTag } from './tags.js';

export interface WriteOptions {
  /** Width of the size field in bytes (1..8); default: the shortest that fits. */
  sizeWidth?: number;
  /** Write the reserved all-ones "unknown size" (width sizeWidth, default 8) instead of the real size. */
  unknownSize?: boolean;
}

/** A tree literal node; `data` is the payload of a leaf, `children` the content of a master element. */
export interface EbmlNode extends WriteOptions {
  id: number;
  data?: Uint8Array;
  children?: readonly EbmlChild[];
}

/** A child is either already-serialised element bytes or a node to serialise. */
export type EbmlChild = Uint8Array | EbmlNode;

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function serialiseChild(child: EbmlChild): Uint8Array {
  if (child instanceof Uint8Array) return child;
  return writeElement(child.id, child.children ?? child.data ?? new Uint8Array(0), child);
}

/** Serialises one element: ID, size field, then the payload bytes or the serialised children. */
export function writeElement(
  id: number,
  content: Uint8Array | readonly EbmlChild[],
  options: WriteOptions = {},
): Uint8Array {
  const payload = content instanceof Uint8Array ? content : concatBytes(content.map(serialiseChild));
  const size = options.unknownSize
    ? encodeUnknownSize(options.sizeWidth ?? 8)
    : encodeSize(payload.length, options.sizeWidth ?? minSizeWidth(payload.length));
  return concatBytes([encodeId(id), size, payload]);
}

/** Unsigned integer element, shortest big-endian form (at least one byte). */
export function uintElement(id: number, value: number, options?: WriteOptions): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`invalid unsigned integer ${value}`);
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v % 256);
    v = Math.floor(v / 256);
  } while (v > 0);
  return writeElement(id, Uint8Array.from(bytes), options);
}

/** 8-byte float element. */
export function floatElement(id: number, value: number, options?: WriteOptions): Uint8Array {
  const payload = new Uint8Array(8);
  new DataView(payload.buffer).setFloat64(0, value);
  return writeElement(id, payload, options);
}

const utf8 = new TextEncoder();

/** String / UTF-8 element, no NUL padding. */
export function stringElement(id: number, value: string, options?: WriteOptions): Uint8Array {
  return writeElement(id, utf8.encode(value), options);
}

/**
 * A Tags element in the shape KVS generates (spec §6.3): `Tags` → one `Tag` (no Targets) → one
 * `SimpleTag` per item with `TagName` + `TagString`; every size field has the same width, by default
 * 4 bytes (`10 xx xx xx`) as observed in KVS output.
 */
export function buildTags(
  simpleTags: readonly SimpleTag[],
  options: { sizeWidth?: number } = {},
): Uint8Array {
  const w = { sizeWidth: options.sizeWidth ?? 4 };
  const simple = simpleTags.map((t) =>
    writeElement(
      EbmlId.SimpleTag,
      [stringElement(EbmlId.TagName, t.name, w), stringElement(EbmlId.TagString, t.value, w)],
      w,
    ),
  );
  return writeElement(EbmlId.Tags, [writeElement(EbmlId.Tag, simple, w)], w);
}
