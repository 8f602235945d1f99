/**
 * Reading Matroska Tags elements and the reserved AWS_KINESISVIDEO_* tag names.
 *
 * Owns: Tags → Tag → SimpleTag → (TagName, TagString) decoding and the names of the KVS-reserved tags
 * (spec §5.2, §6.3, §6.5, §7.2). Must not know: where the Tags element came from (PutMedia body or
 * GetMedia response) or how tags are written (writer.ts / kvs-chunk.ts).
 */
import { forEachChild, MkvFormatError, readString } from './ebml.js';
import { EbmlId } from './ids.js';

export interface SimpleTag {
  name: string;
  value: string;
}

/** Prefix of the tag names KVS reserves for itself (spec §5.2: producers may send a few of them). */
export const KVS_TAG_PREFIX = 'AWS_KINESISVIDEO_';

/** Names of the AWS_KINESISVIDEO_* tags, as written on the wire (spec §5.2, §6.3, §6.5, §7.2). */
export const KvsTag = {
  EndOfFragment: 'AWS_KINESISVIDEO_END_OF_FRAGMENT',
  FragmentNumber: 'AWS_KINESISVIDEO_FRAGMENT_NUMBER',
  ServerTimestamp: 'AWS_KINESISVIDEO_SERVER_TIMESTAMP',
  ProducerTimestamp: 'AWS_KINESISVIDEO_PRODUCER_TIMESTAMP',
  ServerSideTimestamp: 'AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP',
  ProducerSideTimestamp: 'AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP',
  MillisBehindNow: 'AWS_KINESISVIDEO_MILLIS_BEHIND_NOW',
  ContinuationToken: 'AWS_KINESISVIDEO_CONTINUATION_TOKEN',
  ErrorCode: 'AWS_KINESISVIDEO_ERROR_CODE',
  ErrorId: 'AWS_KINESISVIDEO_ERROR_ID',
  ExceptionErrorCode: 'AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE',
  ExceptionMessage: 'AWS_KINESISVIDEO_EXCEPTION_MESSAGE',
} as const;

/** Master elements nested deeper than this are rejected (a Tags element sits at level 1). */
export const MAX_NESTING_DEPTH = 16;

/**
 * Top-level SimpleTags of a Tags element whose payload is buf[start..end), in order. Only TagString
 * values are read (TagBinary gives ''), as the AWS parsers do (spec §6.3). Nested SimpleTags are
 * walked for structural validity (and the depth limit) but not reported.
 */
export function parseTagsPayload(buf: Uint8Array, start: number, end: number): SimpleTag[] {
  const out: SimpleTag[] = [];
  forEachChild(buf, start, end, (id, s, e) => {
    if (id !== EbmlId.Tag) return;
    forEachChild(buf, s, e, (childId, cs, ce) => {
      if (childId === EbmlId.SimpleTag) out.push(readSimpleTag(buf, cs, ce, 3));
    });
  });
  return out;
}

function readSimpleTag(buf: Uint8Array, start: number, end: number, depth: number): SimpleTag {
  if (depth > MAX_NESTING_DEPTH) throw new MkvFormatError(`elements nested deeper than ${MAX_NESTING_DEPTH}`);
  let name = '';
  let value = '';
  forEachChild(buf, start, end, (id, s, e) => {
    if (id === EbmlId.TagName) name = readString(buf, s, e);
    else if (id === EbmlId.TagString) value = readString(buf, s, e);
    else if (id === EbmlId.SimpleTag) readSimpleTag(buf, s, e, depth + 1);
  });
  return { name, value };
}

export function isReservedTagName(name: string): boolean {
  return name.startsWith(KVS_TAG_PREFIX);
}
