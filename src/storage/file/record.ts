/**
 * The on-disk record format of segment files (format version 1). Every record is
 *
 *   offset  size  field
 *        0     4  magic "KVDR" (0x4b564452, big-endian)
 *        4     1  format version (1)
 *        5     1  record type: 1 = HEADER (a producer StreamHeader), 2 = FRAGMENT
 *        6     2  reserved, 0
 *        8     4  metadata length M (uint32 LE)
 *       12     4  payload length P (uint32 LE)
 *       16     4  CRC-32 of metadata + payload (uint32 LE)
 *       20     4  CRC-32 of bytes 0..19 (uint32 LE), so a torn or corrupt length field is
 *                 recognised before it is trusted
 *       24     M  metadata, UTF-8 JSON: FragmentMeta for FRAGMENT, HeaderRecordMeta for HEADER
 *   24 + M     P  payload: the fragment bytes, or ebmlHeader followed by segmentHeader
 *
 * Records are written back to back; a reader can always resynchronise from the segment start.
 * This module only encodes and decodes; it must not know about files, LMDB or streams.
 */
import { crc32 } from './crc32.js';
import type { FragmentMeta, StreamHeader } from '../types.js';

export const RECORD_MAGIC = 0x4b564452;
export const FORMAT_VERSION = 1;
export const RECORD_PREFIX_BYTES = 24;
export const RecordType = { Header: 1, Fragment: 2 } as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];
/** Metadata is small JSON; anything larger than this is a corrupt length. */
export const MAX_META_BYTES = 64 * 1024;
const MAX_UINT32 = 0xffffffff;

export interface HeaderRecordMeta {
  headerId: number;
  ebmlLength: number;
}

export interface RecordPrefix {
  type: RecordType;
  metaLength: number;
  payloadLength: number;
  bodyCrc: number;
}

/** A record ready to be written: slices to write back to back, without copying the payload. */
export interface EncodedRecord {
  slices: Uint8Array[];
  length: number;
  /** Offset of the payload from the record start. */
  payloadOffset: number;
  /** Set for HEADER records, so the writer knows which headers a segment holds. */
  headerId?: number;
}

function encode(type: RecordType, meta: object, payload: readonly Uint8Array[]): EncodedRecord {
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  let payloadLength = 0;
  let bodyCrc = crc32(metaBytes);
  for (const slice of payload) {
    payloadLength += slice.byteLength;
    bodyCrc = crc32(slice, bodyCrc);
  }
  if (payloadLength > MAX_UINT32)
    throw new RangeError(`Record payload of ${payloadLength} bytes is too large`);
  const prefix = Buffer.alloc(RECORD_PREFIX_BYTES);
  prefix.writeUInt32BE(RECORD_MAGIC, 0);
  prefix.writeUInt8(FORMAT_VERSION, 4);
  prefix.writeUInt8(type, 5);
  prefix.writeUInt32LE(metaBytes.length, 8);
  prefix.writeUInt32LE(payloadLength, 12);
  prefix.writeUInt32LE(bodyCrc, 16);
  prefix.writeUInt32LE(crc32(prefix.subarray(0, 20)), 20);
  const slices = [prefix, metaBytes, ...payload.filter((slice) => slice.byteLength > 0)];
  const payloadOffset = RECORD_PREFIX_BYTES + metaBytes.length;
  return { slices, length: payloadOffset + payloadLength, payloadOffset };
}

export function encodeFragmentRecord(meta: FragmentMeta, payload: readonly Uint8Array[]): EncodedRecord {
  return encode(RecordType.Fragment, meta, payload);
}

export function encodeHeaderRecord(headerId: number, header: StreamHeader): EncodedRecord {
  const meta: HeaderRecordMeta = { headerId, ebmlLength: header.ebmlHeader.byteLength };
  return { ...encode(RecordType.Header, meta, [header.ebmlHeader, header.segmentHeader]), headerId };
}

/** Decodes a record prefix, or returns undefined if it is not a valid version-1 prefix. */
export function decodePrefix(bytes: Uint8Array): RecordPrefix | undefined {
  if (bytes.byteLength < RECORD_PREFIX_BYTES) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, RECORD_PREFIX_BYTES);
  if (view.readUInt32BE(0) !== RECORD_MAGIC || view.readUInt8(4) !== FORMAT_VERSION) return undefined;
  if (view.readUInt32LE(20) !== crc32(view.subarray(0, 20))) return undefined;
  const type = view.readUInt8(5);
  if (type !== RecordType.Header && type !== RecordType.Fragment) return undefined;
  const metaLength = view.readUInt32LE(8);
  if (metaLength > MAX_META_BYTES) return undefined;
  return { type, metaLength, payloadLength: view.readUInt32LE(12), bodyCrc: view.readUInt32LE(16) };
}

export function decodeFragmentMeta(meta: Uint8Array): FragmentMeta | undefined {
  const value = parseJson(meta) as Partial<FragmentMeta> | undefined;
  return typeof value?.fragmentNumber === 'string' && typeof value.size === 'number'
    ? (value as FragmentMeta)
    : undefined;
}

export function decodeHeaderMeta(meta: Uint8Array): HeaderRecordMeta | undefined {
  const value = parseJson(meta) as Partial<HeaderRecordMeta> | undefined;
  return typeof value?.headerId === 'number' && typeof value.ebmlLength === 'number'
    ? (value as HeaderRecordMeta)
    : undefined;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}
