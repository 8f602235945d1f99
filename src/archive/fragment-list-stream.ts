/**
 * The GetMediaForFragmentList body (spec §7.2): one chunk per requested fragment, in request
 * order, with the GetMedia start-tag names first plus the documented *_SIDE_* spellings; an
 * unknown fragment yields an exception tag group instead of a chunk. Streamed with backpressure.
 */
import { Readable } from 'node:stream';
import { formatEpochSeconds } from '../core/clock.js';
import { SEGMENT_UNKNOWN_SIZE_HEADER, fragmentListErrorTags, fragmentListTags } from '../mkv/kvs-chunk.js';
import type { FragmentStore } from '../storage/types.js';

async function* chunks(store: FragmentStore, streamId: string, fragmentNumbers: readonly string[]) {
  let lastEbml: Uint8Array | undefined;
  for (const fragmentNumber of fragmentNumbers) {
    const fragment = store.getFragment(streamId, fragmentNumber);
    const header = fragment ? store.getHeader(streamId, fragment.headerId) : undefined;
    if (!fragment || !header) {
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
    for await (const piece of store.openPayload(streamId, fragment)) yield piece as Uint8Array;
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
