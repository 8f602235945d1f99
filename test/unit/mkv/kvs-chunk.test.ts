import assert from 'node:assert/strict';
import { test } from 'node:test';

import { KvsChunkReader } from '../../../src/mkv/chunk-reader.js';
import { EbmlId } from '../../../src/mkv/ids.js';
import { MkvIngestParser } from '../../../src/mkv/ingest-parser.js';
import {
  SEGMENT_UNKNOWN_SIZE_HEADER,
  endTags,
  errorTags,
  fragmentListErrorTags,
  fragmentListTags,
  startTags,
} from '../../../src/mkv/kvs-chunk.js';
import { parseTagsPayload } from '../../../src/mkv/tags.js';
import { concatBytes, stringElement, uintElement, writeElement } from '../../../src/mkv/writer.js';

const hex = (s: string): Uint8Array =>
  Uint8Array.from(
    s
      .split(/\s+/)
      .filter(Boolean)
      .map((x) => parseInt(x, 16)),
  );
const FRAGMENT = '91343852333181500000000000000000000000000000042';

/** Rebuilds the 628-byte chunk of spec §8.1 (producer elements filled in to the listed sizes). */
function specExampleChunk(): Uint8Array {
  const ebml = hex(`1A 45 DF A3 A3 42 86 81 01 42 F7 81 01 42 F2 81 04 42 F3 81 08
                    42 82 88 6D 61 74 72 6F 73 6B 61 42 87 81 02 42 85 81 02`);
  const info = writeElement(EbmlId.Info, [
    uintElement(EbmlId.TimecodeScale, 1_000_000),
    stringElement(EbmlId.MuxingApp, 'kvideo tests'), // 12 + 16 bytes of strings make Info 41 bytes
    stringElement(EbmlId.WritingApp, 'kvideo example!!'),
  ]);
  const tracks = writeElement(EbmlId.Tracks, [
    writeElement(EbmlId.TrackEntry, [
      uintElement(EbmlId.TrackNumber, 1),
      uintElement(EbmlId.TrackUID, 1),
      uintElement(EbmlId.TrackType, 1),
      stringElement(EbmlId.CodecID, 'V_MPEG4/ISO/AVC'),
      writeElement(EbmlId.Video, [uintElement(EbmlId.PixelWidth, 640), uintElement(EbmlId.PixelHeight, 360)]),
      writeElement(EbmlId.CodecPrivate, new Uint8Array(25).fill(1)),
    ]),
  ]);
  const frame = new Uint8Array(12).fill(0x65);
  const cluster = writeElement(EbmlId.Cluster, [
    uintElement(EbmlId.Timecode, 4000),
    writeElement(EbmlId.SimpleBlock, concatBytes([hex('81 00 00 80'), frame])),
    writeElement(EbmlId.SimpleBlock, concatBytes([hex('81 00 21 00'), frame])),
  ]);
  return concatBytes([
    ebml,
    SEGMENT_UNKNOWN_SIZE_HEADER,
    info,
    tracks,
    startTags({
      fragmentNumber: FRAGMENT,
      serverTimestamp: '1732456800.250',
      producerTimestamp: '1732456800.000',
    }),
    cluster,
    endTags({ millisBehindNow: '1875', continuationToken: FRAGMENT }),
  ]);
}

test('spec §8.1: the example chunk byte by byte', () => {
  const chunk = specExampleChunk();
  assert.equal(chunk.length, 628);
  const at = (offset: number, bytes: string) =>
    assert.deepEqual(chunk.subarray(offset, offset + hex(bytes).length), hex(bytes), `offset ${offset}`);
  at(40, '18 53 80 67 01 FF FF FF FF FF FF FF');
  at(52, '15 49 A9 66 A9');
  at(57, '2A D7 B1 83 0F 42 40');
  at(98, '16 54 AE 6B C3');
  at(103, 'AE C1');
  // KVS start tags: Tags size 235, Tag 229, SimpleTags 91 / 59 / 61, all 4-byte size fields (spec §6.3)
  at(170, '12 54 C3 67 10 00 00 EB 73 73 10 00 00 E5 67 C8 10 00 00 5B 45 A3 10 00 00 20');
  at(228, '44 87 10 00 00 2F');
  at(281, '67 C8 10 00 00 3B');
  at(287, '45 A3 10 00 00 21');
  at(326, '44 87 10 00 00 0E');
  at(346, '67 C8 10 00 00 3D');
  at(352, '45 A3 10 00 00 23');
  at(393, '44 87 10 00 00 0E');
  at(413, '1F 43 B6 75 A8 E7 82 0F A0 A3 90 81 00 00 80');
  at(440, 'A3 90 81 00 21 00');
  // KVS end tags: Tags 162, Tag 156, SimpleTags 50 / 94
  at(458, '12 54 C3 67 10 00 00 A2 73 73 10 00 00 9C 67 C8 10 00 00 32 45 A3 10 00 00 22');
  at(518, '44 87 10 00 00 04 31 38 37 35');
  at(528, '67 C8 10 00 00 5E 45 A3 10 00 00 23');
  at(575, '44 87 10 00 00 2F');
  const text = new TextDecoder('latin1').decode(chunk); // one char per byte
  assert.equal(text.indexOf('AWS_KINESISVIDEO_FRAGMENT_NUMBER'), 196);
  assert.equal(text.indexOf('1732456800.000'), 399);
  assert.equal(text.indexOf(FRAGMENT, 500), 581);
});

test('spec §8.1 chunk reads back through KvsChunkReader and the ingest parser', () => {
  const chunk = specExampleChunk();
  const reader = new KvsChunkReader();
  const events = [...reader.push(chunk), ...reader.end()];
  assert.deepEqual(events, [
    {
      type: 'chunk',
      byteLength: 628,
      complete: true,
      tags: {
        AWS_KINESISVIDEO_FRAGMENT_NUMBER: FRAGMENT,
        AWS_KINESISVIDEO_SERVER_TIMESTAMP: '1732456800.250',
        AWS_KINESISVIDEO_PRODUCER_TIMESTAMP: '1732456800.000',
        AWS_KINESISVIDEO_MILLIS_BEHIND_NOW: '1875',
        AWS_KINESISVIDEO_CONTINUATION_TOKEN: FRAGMENT,
      },
    },
  ]);
  // The start tags are reserved-only: a re-ingest would drop them from the header.
  const parser = new MkvIngestParser();
  const ingest = [...parser.push(chunk), ...parser.end()];
  assert.deepEqual(
    ingest.filter((e) => e.type === 'tags').map((e) => e.type === 'tags' && e.reservedOnly),
    [true, true],
  );
  const clusterStart = ingest.find((e) => e.type === 'clusterStart');
  assert.deepEqual(clusterStart, { type: 'clusterStart', timecode: 4000 });
});

function names(tags: Uint8Array): string[] {
  // Tags(4-byte size) payload starts at 8
  return parseTagsPayload(tags, 8, tags.length).map((t) => t.name);
}

test('error and fragment-list tag groups: names and order', () => {
  assert.deepEqual(
    names(
      errorTags({ fragmentNumber: FRAGMENT, errorCode: 'Requested fragment is not found', errorId: 4000 }),
    ),
    ['AWS_KINESISVIDEO_FRAGMENT_NUMBER', 'AWS_KINESISVIDEO_ERROR_CODE', 'AWS_KINESISVIDEO_ERROR_ID'],
  );
  const noFragment = errorTags({ errorCode: 'Internal error', errorId: '5000' });
  assert.deepEqual(parseTagsPayload(noFragment, 8, noFragment.length), [
    { name: 'AWS_KINESISVIDEO_ERROR_CODE', value: 'Internal error' },
    { name: 'AWS_KINESISVIDEO_ERROR_ID', value: '5000' },
  ]);
  const list = fragmentListTags({
    fragmentNumber: FRAGMENT,
    serverTimestamp: '1.000',
    producerTimestamp: '2.000',
  });
  assert.deepEqual(parseTagsPayload(list, 8, list.length), [
    { name: 'AWS_KINESISVIDEO_FRAGMENT_NUMBER', value: FRAGMENT },
    { name: 'AWS_KINESISVIDEO_SERVER_TIMESTAMP', value: '1.000' },
    { name: 'AWS_KINESISVIDEO_PRODUCER_TIMESTAMP', value: '2.000' },
    { name: 'AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP', value: '1.000' },
    { name: 'AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP', value: '2.000' },
  ]);
  assert.deepEqual(
    names(fragmentListErrorTags({ fragmentNumber: FRAGMENT, errorCode: 'X', message: 'gone' })),
    [
      'AWS_KINESISVIDEO_FRAGMENT_NUMBER',
      'AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE',
      'AWS_KINESISVIDEO_EXCEPTION_MESSAGE',
    ],
  );
});
