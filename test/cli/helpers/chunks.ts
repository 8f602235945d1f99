/** Reads a saved GetMedia body back into chunks (bytes + AWS_KINESISVIDEO_* tags) for assertions. */
import { KvsChunkReader } from '../../../src/mkv/chunk-reader.js';

export interface SavedChunk {
  bytes: Buffer;
  tags: Record<string, string>;
  complete: boolean;
}

export function readChunks(body: Buffer): SavedChunk[] {
  const reader = new KvsChunkReader();
  const events = [...reader.push(body), ...reader.end()];
  const out: SavedChunk[] = [];
  let pos = 0;
  for (const ev of events) {
    out.push({ bytes: body.subarray(pos, pos + ev.byteLength), tags: ev.tags, complete: ev.complete });
    pos += ev.byteLength;
  }
  return out;
}

export function fragmentNumbers(body: Buffer): string[] {
  return readChunks(body).map((c) => c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER ?? '?');
}

const TAGS_ID = Buffer.from([0x12, 0x54, 0xc3, 0x67]);

/**
 * A chunk without its end Tags (the last Tags element), plus its tags minus MILLIS_BEHIND_NOW:
 * what two GetMedia calls for the same fragment must agree on (that tag is the send time).
 */
export function comparable(chunk: SavedChunk): { head: Buffer; tags: Record<string, string> } {
  const { AWS_KINESISVIDEO_MILLIS_BEHIND_NOW: _ignored, ...tags } = chunk.tags;
  return { head: chunk.bytes.subarray(0, chunk.bytes.lastIndexOf(TAGS_ID)), tags };
}
