/**
 * The GetMediaForFragmentList body (spec §7.2): one chunk per requested fragment, in request
 * order, with the GetMedia start-tag names first plus the documented *_SIDE_* spellings; an
 * unknown fragment yields an exception tag group instead of a chunk. Streamed with backpressure.
 *
 * Each fragment's payload is opened and its first piece read before any byte of its chunk goes
 * out; storage verifies a record's CRC before releasing it (whole, for fragments up to 256 KiB),
 * so a damaged fragment is found there: the first one turns the whole answer into an HTTP 500
 * (openFragmentListStream rejects before the 200 is sent), a later one gets the exception tag
 * group, and one found only at the end of a large payload cuts the response (storage withholds
 * its last bytes), so no client takes damaged bytes for the stored fragment.
 */
import { Readable } from 'node:stream';
import { formatEpochSeconds } from '../core/clock.js';
import { SEGMENT_UNKNOWN_SIZE_HEADER, fragmentListErrorTags, fragmentListTags } from '../mkv/kvs-chunk.js';
import type { FragmentStore } from '../storage/types.js';

async function* chunks(store: FragmentStore, streamId: string, fragmentNumbers: readonly string[]) {
  let lastEbml: Uint8Array | undefined;
  let first = true;
  for (const fragmentNumber of fragmentNumbers) {
    const fragment = store.getFragment(streamId, fragmentNumber);
    const header = fragment ? store.getHeader(streamId, fragment.headerId) : undefined;
    let payload: AsyncIterator<Uint8Array> | undefined;
    let piece: IteratorResult<Uint8Array> | undefined;
    if (fragment && header) {
      payload = store.openPayload(streamId, fragment)[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
      try {
        piece = await payload.next();
      } catch (err) {
        if (first) throw err;
        if (lastEbml) yield lastEbml;
        if (lastEbml) yield SEGMENT_UNKNOWN_SIZE_HEADER;
        yield fragmentListErrorTags({
          fragmentNumber,
          errorCode: 'InternalFailure',
          message: `Fragment ${fragmentNumber} could not be read.`,
        });
        continue;
      }
    }
    first = false;
    if (!fragment || !header || !payload || !piece) {
      if (lastEbml) yield lastEbml;
      if (lastEbml) yield SEGMENT_UNKNOWN_SIZE_HEADER;
      yield fragmentListErrorTags({
        fragmentNumber,
        errorCode: 'ResourceNotFoundException',
        message: `Fragment ${fragmentNumber} was not found.`,
      });
      continue;
    }
    lastEbml = header.ebmlHeader;
    yield header.ebmlHeader;
    yield SEGMENT_UNKNOWN_SIZE_HEADER;
    yield header.segmentHeader;
    yield fragmentListTags({
      fragmentNumber,
      serverTimestamp: formatEpochSeconds(fragment.serverTimestampMs),
      producerTimestamp: formatEpochSeconds(fragment.producerTimestampMs),
    });
    for (; !piece.done; piece = await payload.next()) yield piece.value;
  }
}

export function createFragmentListStream(
  store: FragmentStore,
  streamId: string,
  fragmentNumbers: readonly string[],
): Readable {
  return Readable.from(chunks(store, streamId, fragmentNumbers), {
    objectMode: false,
    highWaterMark: 64 * 1024,
  });
}

/**
 * Like createFragmentListStream, but reads up to the first fragment's first verified piece
 * before resolving, so an unreadable or damaged first fragment rejects (an HTTP 5xx) instead of
 * breaking a response that already said 200.
 */
export async function openFragmentListStream(
  store: FragmentStore,
  streamId: string,
  fragmentNumbers: readonly string[],
): Promise<Readable> {
  const source = chunks(store, streamId, fragmentNumbers);
  const head = await source.next();
  async function* primed(): AsyncGenerator<Uint8Array> {
    if (head.done) return;
    yield head.value;
    yield* source;
  }
  return Readable.from(primed(), { objectMode: false, highWaterMark: 64 * 1024 });
}
