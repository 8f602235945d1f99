/**
 * Argument checks and fragment-number ordering shared by every FragmentStore backend, so the
 * backends agree on what they accept (design.md §8: the public method checks, the backend acts).
 * Must not know how or where anything is stored.
 */
import { createHash } from 'node:crypto';
import { FRAGMENT_NUMBER_DIGITS } from '../core/fragment-number.js';
import type { FragmentInput, FragmentMeta, StreamHeader } from './types.js';

/** Stream ids become directory names in the file backend, so they must never contain a path. */
const STREAM_ID_RE = /^[A-Za-z0-9_-]{1,128}$/;
const STORED_NUMBER_RE = new RegExp(`^[0-9]{${FRAGMENT_NUMBER_DIGITS}}$`);
const DIGITS_RE = /^[0-9]+$/;

export function isStreamId(streamId: string): boolean {
  return typeof streamId === 'string' && STREAM_ID_RE.test(streamId);
}

export function assertStreamId(streamId: string): void {
  if (!isStreamId(streamId)) {
    throw new TypeError(`Invalid stream id ${JSON.stringify(streamId)}: expected ${STREAM_ID_RE.source}`);
  }
}

export function assertFragmentInput(fragment: FragmentInput, payload: readonly Uint8Array[]): void {
  if (!STORED_NUMBER_RE.test(fragment.fragmentNumber)) {
    throw new TypeError(`Invalid fragment number ${JSON.stringify(fragment.fragmentNumber)}`);
  }
  for (const key of ['producerTimestampMs', 'serverTimestampMs', 'durationMs', 'clusterTimecode'] as const) {
    if (!Number.isFinite(fragment[key])) throw new TypeError(`Fragment ${key} must be a finite number`);
  }
  if (fragment.durationMs < 0) throw new TypeError('Fragment durationMs must not be negative');
  if (!Array.isArray(payload) || !payload.every((slice) => slice instanceof Uint8Array)) {
    throw new TypeError('Fragment payload must be an array of Uint8Array slices');
  }
}

export function payloadSize(payload: readonly Uint8Array[]): number {
  let size = 0;
  for (const slice of payload) size += slice.byteLength;
  return size;
}

/**
 * A query fragment number in the fixed stored width, so it compares correctly against stored
 * numbers as a string. Clients may send any 1–128-digit number (the API model allows it), so
 * shorter ones are zero-padded; 'above' means larger than any stored number, undefined means
 * not a number at all.
 */
export function toStoredWidth(fragmentNumber: string): string | 'above' | undefined {
  if (!DIGITS_RE.test(fragmentNumber)) return undefined;
  const trimmed = fragmentNumber.replace(/^0+(?=.)/, '');
  if (trimmed.length > FRAGMENT_NUMBER_DIGITS) return 'above';
  return trimmed.padStart(FRAGMENT_NUMBER_DIGITS, '0');
}

/** True if stored number `candidate` is strictly greater than the query number `after`. */
export function isAfter(candidate: string, after: string | undefined): boolean {
  if (after === undefined) return true;
  const bound = toStoredWidth(after);
  if (bound === undefined) return true;
  return bound !== 'above' && candidate > bound;
}

/** Content key used to deduplicate identical producer headers (putHeader). */
export function headerDigest(header: StreamHeader): string {
  const hash = createHash('sha256');
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32BE(header.ebmlHeader.byteLength, 0);
  lengths.writeUInt32BE(header.segmentHeader.byteLength, 4);
  hash.update(lengths).update(header.ebmlHeader).update(header.segmentHeader);
  return hash.digest('hex');
}

export function assertHeader(header: StreamHeader): void {
  if (!(header?.ebmlHeader instanceof Uint8Array) || !(header.segmentHeader instanceof Uint8Array)) {
    throw new TypeError('Stream header must have ebmlHeader and segmentHeader byte arrays');
  }
}

/** The error appendFragment rejects with when numbers would not strictly increase. */
export function outOfOrder(streamId: string, fragmentNumber: string, last: string): Error {
  return new RangeError(
    `Fragment number ${fragmentNumber} is not greater than the last fragment number ${last} of stream ${streamId}`,
  );
}

/** The stored metadata of an appended fragment: only the contract's fields, whatever else the input carries. */
export function toFragmentMeta(fragment: FragmentInput, size: number, headerId: number): FragmentMeta {
  return {
    fragmentNumber: fragment.fragmentNumber,
    producerTimestampMs: fragment.producerTimestampMs,
    serverTimestampMs: fragment.serverTimestampMs,
    durationMs: fragment.durationMs,
    size,
    startsWithKeyFrame: fragment.startsWithKeyFrame,
    clusterTimecode: fragment.clusterTimecode,
    headerId,
  };
}
