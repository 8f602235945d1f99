/** readCluster: the read side of a stored fragment (known and unknown size, SimpleBlock, BlockGroup). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCluster } from '../../../src/mkv/cluster-reader.js';
import { MkvFormatError } from '../../../src/mkv/ebml.js';
import { EbmlId } from '../../../src/mkv/ids.js';
import { buildTags, concatBytes, uintElement, writeElement } from '../../../src/mkv/writer.js';

/** Block payload: track vint, int16 relative timecode, flags, frame bytes. */
function block(track: number, rel: number, flags: number, frame: number[]): Uint8Array {
  return Uint8Array.from([0x80 | track, (rel >> 8) & 0xff, rel & 0xff, flags, ...frame]);
}

test('a known-size Cluster: timecode, SimpleBlocks and BlockGroups in stored order, frames as views', () => {
  const bytes = writeElement(EbmlId.Cluster, [
    uintElement(EbmlId.Timecode, 5000),
    writeElement(EbmlId.SimpleBlock, block(1, 0, 0x80, [1, 2, 3])),
    writeElement(EbmlId.SimpleBlock, block(2, -3, 0x80, [9])),
    writeElement(EbmlId.BlockGroup, [
      writeElement(EbmlId.Block, block(1, 80, 0, [4, 5])),
      uintElement(EbmlId.BlockDuration, 40),
      writeElement(EbmlId.ReferenceBlock, Uint8Array.of(0xb0)),
    ]),
    writeElement(EbmlId.BlockGroup, [writeElement(EbmlId.Block, block(1, 40, 0, [6]))]),
  ]);
  const { timecode, blocks } = readCluster(concatBytes([bytes, buildTags([{ name: 'X', value: 'y' }])]));
  assert.equal(timecode, 5000);
  assert.deepEqual(
    blocks.map((b) => [b.track, b.relativeTimecode, b.keyframe, b.durationTc, [...b.data]]),
    [
      [1, 0, true, undefined, [1, 2, 3]],
      [2, -3, true, undefined, [9]],
      [1, 80, false, 40, [4, 5]],
      [1, 40, true, undefined, [6]], // a BlockGroup without ReferenceBlock is a key frame
    ],
  );
  const input = concatBytes([bytes]);
  assert.equal(readCluster(input).blocks[0]!.data.buffer, input.buffer); // a view, not a copy
});

test('an unknown-size Cluster ends at the first element that cannot be its child', () => {
  const cluster = writeElement(
    EbmlId.Cluster,
    [uintElement(EbmlId.Timecode, 7), writeElement(EbmlId.SimpleBlock, block(1, 1, 0, [42]))],
    { unknownSize: true },
  );
  const { timecode, blocks } = readCluster(concatBytes([cluster, buildTags([{ name: 'A', value: 'b' }])]));
  assert.equal(timecode, 7);
  assert.equal(blocks.length, 1);
  assert.deepEqual([...blocks[0]!.data], [42]);
});

test('malformed input is an MkvFormatError', () => {
  const bad = [
    writeElement(EbmlId.Tags, []), // not a Cluster
    writeElement(EbmlId.Cluster, [writeElement(EbmlId.SimpleBlock, block(1, 0, 0x80, [1]))]), // no Timecode
    writeElement(EbmlId.Cluster, [
      uintElement(EbmlId.Timecode, 0),
      writeElement(EbmlId.SimpleBlock, block(1, 0, 0x82, [1])),
    ]), // laced
    writeElement(EbmlId.Cluster, [uintElement(EbmlId.Timecode, 0), writeElement(EbmlId.BlockGroup, [])]), // no Block
    writeElement(EbmlId.Cluster, [uintElement(EbmlId.Timecode, 0)]).subarray(0, 5), // truncated
  ];
  for (const bytes of bad) assert.throws(() => readCluster(bytes), MkvFormatError);
});
