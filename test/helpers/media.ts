/** GetMedia helpers for tests: read a payload through the official SDK and cut it into chunks. */
import type { Readable } from 'node:stream';
import {
  GetMediaCommand,
  KinesisVideoMediaClient,
  type StartSelector,
} from '@aws-sdk/client-kinesis-video-media';
import { TEST_CREDENTIALS, TEST_REGION } from './server.js';

export function mediaClient(endpoint: string): KinesisVideoMediaClient {
  return new KinesisVideoMediaClient({
    endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}

/**
 * Reads a GetMedia response until the server ends it, or until no byte arrived for `idleMs`
 * (for servers that keep the live tail open).
 */
export async function getMediaBytes(
  endpoint: string,
  stream: string,
  selector: StartSelector,
  idleMs?: number,
): Promise<{ contentType: string | undefined; bytes: Buffer }> {
  const client = mediaClient(endpoint);
  try {
    const out = await client.send(new GetMediaCommand({ StreamName: stream, StartSelector: selector }));
    const payload = out.Payload as unknown as Readable;
    const parts: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        if (idleMs === undefined) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          payload.destroy();
          resolve();
        }, idleMs);
      };
      arm();
      payload.on('data', (part: Buffer) => {
        parts.push(Buffer.from(part));
        arm();
      });
      payload.on('end', () => {
        clearTimeout(timer);
        resolve();
      });
      payload.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return { contentType: out.ContentType, bytes: Buffer.concat(parts) };
  } finally {
    client.destroy();
  }
}

const EBML_ID = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
const TAGS_ID = Buffer.from([0x12, 0x54, 0xc3, 0x67]);

export interface ParsedChunk {
  raw: Buffer;
  /** All AWS_KINESISVIDEO_* SimpleTags (name → value) of the chunk. */
  tags: Record<string, string>;
  /** The bytes between the KVS start Tags and end Tags: the stored fragment, verbatim. */
  fragment: Buffer;
}

/** Reads KVS-style Tags (4-byte size fields) at `offset`; returns name→value and the element's end. */
export function readKvsTags(buf: Buffer, offset: number): { tags: Record<string, string>; end: number } {
  if (!buf.subarray(offset, offset + 4).equals(TAGS_ID) || buf[offset + 4] !== 0x10) {
    throw new Error(`no KVS Tags at ${offset}`);
  }
  const end = offset + 8 + buf.readUInt32BE(offset + 4) - 0x10000000;
  const tags: Record<string, string> = {};
  let pos = offset + 8 + 6; // Tags header, then Tag header (73 73 + 4-byte size)
  while (pos < end) {
    // SimpleTag 67 C8 + size, TagName 45 A3 + size + name, TagString 44 87 + size + value
    const nameLen = buf.readUInt32BE(pos + 6 + 2) - 0x10000000;
    const name = buf.toString('utf8', pos + 12, pos + 12 + nameLen);
    const valueAt = pos + 12 + nameLen;
    const valueLen = buf.readUInt32BE(valueAt + 2) - 0x10000000;
    tags[name] = buf.toString('utf8', valueAt + 6, valueAt + 6 + valueLen);
    pos = valueAt + 6 + valueLen;
  }
  return { tags, end };
}

/**
 * Splits a GetMedia body into chunks at each EBML header that follows a KVS end-Tags element and
 * locates the stored fragment between the start and end Tags. `headerLength` is the length of the
 * producer's EBML header + 12-byte Segment + header elements, the same in every chunk of one upload.
 */
export function parseChunks(body: Buffer, headerLength: number): ParsedChunk[] {
  const chunks: ParsedChunk[] = [];
  let pos = 0;
  while (pos < body.length) {
    if (!body.subarray(pos, pos + 4).equals(EBML_ID))
      throw new Error(`chunk ${chunks.length} does not start with EBML`);
    const start = readKvsTags(body, pos + headerLength);
    // The end Tags are the last element of the chunk: the next EBML header follows them directly.
    let next = body.indexOf(EBML_ID, start.end);
    let endTagsAt = -1;
    while (next !== -1 || endTagsAt === -1) {
      const limit = next === -1 ? body.length : next;
      const candidate = body.lastIndexOf(TAGS_ID, limit - 1);
      if (candidate >= start.end) {
        try {
          const end = readKvsTags(body, candidate);
          if (end.end === limit) {
            endTagsAt = candidate;
            next = limit;
            break;
          }
        } catch {
          // not a KVS Tags element (frame data); keep looking
        }
      }
      if (next === -1) break;
      next = body.indexOf(EBML_ID, next + 1);
    }
    if (endTagsAt === -1) throw new Error(`chunk ${chunks.length} has no end Tags`);
    const end = readKvsTags(body, endTagsAt);
    chunks.push({
      raw: body.subarray(pos, end.end),
      tags: { ...start.tags, ...end.tags },
      fragment: body.subarray(start.end, endTagsAt),
    });
    pos = end.end;
  }
  return chunks;
}
