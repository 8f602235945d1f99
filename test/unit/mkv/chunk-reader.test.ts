import assert from 'node:assert/strict';
import { test } from 'node:test';

import { KvsChunkReader, type KvsChunkEvent } from '../../../src/mkv/chunk-reader.js';
import { MkvFormatError } from '../../../src/mkv/ebml.js';
import { SEGMENT_UNKNOWN_SIZE_HEADER, endTags, errorTags, startTags } from '../../../src/mkv/kvs-chunk.js';
import { concatBytes } from '../../../src/mkv/writer.js';
import { EBML_HEADER, INFO, TRACKS, cluster, simpleBlock } from './mkv-test-utils.js';

function getMediaChunk(i: number, unknownCluster: boolean): Uint8Array {
  const fn = `9134385233318${String(i).padStart(34, '0')}`;
  return concatBytes([
    EBML_HEADER,
    SEGMENT_UNKNOWN_SIZE_HEADER,
    INFO,
    TRACKS,
    startTags({ fragmentNumber: fn, serverTimestamp: `100.${i}00`, producerTimestamp: `${i}.000` }),
    cluster(i * 1000, [simpleBlock(1, 0, true, 500), simpleBlock(1, 40, false, 200)], unknownCluster),
    endTags({ millisBehindNow: String(10 * i), continuationToken: fn }),
  ]);
}

function read(parts: Uint8Array[]): KvsChunkEvent[] {
  const r = new KvsChunkReader();
  return [...parts.flatMap((p) => r.push(p)), ...r.end()];
}

test('splits a GetMedia body into chunks with their tags, for any chunking', () => {
  const chunks = [getMediaChunk(1, true), getMediaChunk(2, false), getMediaChunk(3, true)];
  const body = concatBytes(chunks);
  const expected = read([body]);
  assert.deepEqual(
    expected.map((e) => [
      e.byteLength,
      e.complete,
      e.tags.AWS_KINESISVIDEO_PRODUCER_TIMESTAMP,
      e.tags.AWS_KINESISVIDEO_MILLIS_BEHIND_NOW,
    ]),
    [
      [chunks[0]!.length, true, '1.000', '10'],
      [chunks[1]!.length, true, '2.000', '20'],
      [chunks[2]!.length, true, '3.000', '30'],
    ],
  );
  assert.equal(Object.keys(expected[0]!.tags).length, 5);
  for (const size of [1, 2, 7, 64, 1000]) {
    const parts: Uint8Array[] = [];
    for (let o = 0; o < body.length; o += size) parts.push(body.subarray(o, o + size));
    assert.deepEqual(read(parts), expected, `size ${size}`);
  }
});

test('events are emitted as soon as the next chunk starts', () => {
  const r = new KvsChunkReader();
  const a = getMediaChunk(1, true);
  assert.deepEqual(r.push(a), []);
  assert.deepEqual(r.push(EBML_HEADER.subarray(0, 4)), []); // ID only: not yet known to be a header
  const events = r.push(EBML_HEADER.subarray(4, 5));
  assert.equal(events.length, 1);
  assert.equal(events[0]!.byteLength, a.length);
});

test('truncated last chunk is reported incomplete; error chunk tags are surfaced', () => {
  const a = getMediaChunk(1, false);
  const events = read([a.subarray(0, a.length - 100)]);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.complete, false);
  assert.equal(events[0]!.byteLength, a.length - 100);
  assert.equal(events[0]!.tags.AWS_KINESISVIDEO_MILLIS_BEHIND_NOW, undefined);
  const error = concatBytes([
    EBML_HEADER,
    SEGMENT_UNKNOWN_SIZE_HEADER,
    errorTags({ fragmentNumber: '1', errorCode: 'Requested fragment is not found', errorId: 4000 }),
  ]);
  assert.deepEqual(read([error])[0]!.tags, {
    AWS_KINESISVIDEO_FRAGMENT_NUMBER: '1',
    AWS_KINESISVIDEO_ERROR_CODE: 'Requested fragment is not found',
    AWS_KINESISVIDEO_ERROR_ID: '4000',
  });
  assert.deepEqual(read([]), []);
});

test('a body that is not Matroska throws MkvFormatError', () => {
  assert.throws(() => read([new TextEncoder().encode('{"message":"nope"}')]), MkvFormatError);
});
