/**
 * Building blocks of GetMedia / GetMediaForFragmentList response chunks (spec §6.3, §6.5, §7.2, §8.1).
 *
 * Owns: the rewritten Segment header and the exact AWS_KINESISVIDEO_* tag groups with their order.
 * Must not know: fragment storage, timing, or value formatting — values arrive as finished strings
 * (see formatEpochSeconds in src/core/clock.ts for the "seconds with three decimals" format).
 *
 * A chunk is: producer EBML header + SEGMENT_UNKNOWN_SIZE_HEADER + producer segment header elements +
 * startTags(…) + the stored fragment bytes (Cluster and trailing elements) + endTags(…) (spec §6.3).
 */
import { buildTags } from './writer.js';
import { KvsTag, type SimpleTag } from './tags.js';

/**
 * Segment with the 8-byte unknown size: KVS always writes this form, whatever the producer sent
 * (spec §0 trap 5, §6.3 item 2); the next chunk's EBML header ends it.
 */
// prettier-ignore
export const SEGMENT_UNKNOWN_SIZE_HEADER: Uint8Array = Uint8Array.of(
  0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
);

/** KVS-generated Tags use 4-byte size fields everywhere (spec §6.3, observed). */
const KVS_TAG_SIZE_WIDTH = 4;

export interface StartTagValues {
  /** 47-digit fragment number. */
  fragmentNumber: string;
  /** Epoch seconds with exactly three decimals, e.g. "1511852109.126". */
  serverTimestamp: string;
  producerTimestamp: string;
}

/** Start group, before the Cluster: FRAGMENT_NUMBER, SERVER_TIMESTAMP, PRODUCER_TIMESTAMP (spec §6.3). */
export function startTags(v: StartTagValues): Uint8Array {
  return buildTags(
    [
      { name: KvsTag.FragmentNumber, value: v.fragmentNumber },
      { name: KvsTag.ServerTimestamp, value: v.serverTimestamp },
      { name: KvsTag.ProducerTimestamp, value: v.producerTimestamp },
    ],
    { sizeWidth: KVS_TAG_SIZE_WIDTH },
  );
}

export interface EndTagValues {
  /** Integer milliseconds, no decimals: the Java SDK parses it with Long.parseLong (spec §6.3). */
  millisBehindNow: string;
  continuationToken: string;
}

/** End group, closing every chunk: MILLIS_BEHIND_NOW, CONTINUATION_TOKEN (spec §6.3). */
export function endTags(v: EndTagValues): Uint8Array {
  return buildTags(
    [
      { name: KvsTag.MillisBehindNow, value: v.millisBehindNow },
      { name: KvsTag.ContinuationToken, value: v.continuationToken },
    ],
    { sizeWidth: KVS_TAG_SIZE_WIDTH },
  );
}

export interface ErrorTagValues {
  /** Last delivered or requested fragment; the Java parser needs it to surface an error record. */
  fragmentNumber?: string;
  errorCode: string;
  /** Error id (spec §6.5 table), written as a decimal string, e.g. "4000". */
  errorId: string | number;
}

/**
 * In-stream GetMedia error group (spec §6.5; exact layout UNCONFIRMED, this follows the recommendation:
 * FRAGMENT_NUMBER, ERROR_CODE, ERROR_ID in one Tags element, no Cluster after it).
 */
export function errorTags(v: ErrorTagValues): Uint8Array {
  const tags: SimpleTag[] = [];
  if (v.fragmentNumber !== undefined) tags.push({ name: KvsTag.FragmentNumber, value: v.fragmentNumber });
  tags.push(
    { name: KvsTag.ErrorCode, value: v.errorCode },
    { name: KvsTag.ErrorId, value: String(v.errorId) },
  );
  return buildTags(tags, { sizeWidth: KVS_TAG_SIZE_WIDTH });
}

/**
 * Start group for GetMediaForFragmentList (spec §7.2 recommendation, real names UNCONFIRMED):
 * FRAGMENT_NUMBER first (a Go client requires it), the GetMedia timestamp names the AWS parsers read,
 * then the documented *_SIDE_* spellings. No end group.
 */
export function fragmentListTags(v: StartTagValues): Uint8Array {
  return buildTags(
    [
      { name: KvsTag.FragmentNumber, value: v.fragmentNumber },
      { name: KvsTag.ServerTimestamp, value: v.serverTimestamp },
      { name: KvsTag.ProducerTimestamp, value: v.producerTimestamp },
      { name: KvsTag.ServerSideTimestamp, value: v.serverTimestamp },
      { name: KvsTag.ProducerSideTimestamp, value: v.producerTimestamp },
    ],
    { sizeWidth: KVS_TAG_SIZE_WIDTH },
  );
}

/** Per-fragment failure group of GetMediaForFragmentList (spec §7.2, documented names; values UNCONFIRMED). */
export function fragmentListErrorTags(v: {
  fragmentNumber: string;
  errorCode: string;
  message: string;
}): Uint8Array {
  return buildTags(
    [
      { name: KvsTag.FragmentNumber, value: v.fragmentNumber },
      { name: KvsTag.ExceptionErrorCode, value: v.errorCode },
      { name: KvsTag.ExceptionMessage, value: v.message },
    ],
    { sizeWidth: KVS_TAG_SIZE_WIDTH },
  );
}
