import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  MkvFormatError,
  StreamingHeaderReader,
  encodeId,
  encodeSize,
  encodeUnknownSize,
  forEachChild,
  minSizeWidth,
  readElementHeader,
  readFloat,
  readId,
  readSize,
  readString,
  readUint,
  readVint,
  type ElementHeader,
} from '../../../src/mkv/ebml.js';
import { EbmlId } from '../../../src/mkv/ids.js';

const b = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

test('readVint: widths 1..8 and their extreme values', () => {
  assert.deepEqual(readVint(b(0x81), 0), { value: 1, length: 1 });
  assert.deepEqual(readVint(b(0x80), 0), { value: 0, length: 1 });
  assert.deepEqual(readVint(b(0x40, 0x02), 0), { value: 2, length: 2 });
  assert.deepEqual(readVint(b(0x7f, 0xff), 0), { value: 0x3fff, length: 2 });
  assert.deepEqual(readVint(b(0x10, 0x00, 0x00, 0xeb), 0), { value: 235, length: 4 });
  assert.deepEqual(readVint(b(0x01, 0, 0, 0, 0, 0, 0, 0x23), 0), { value: 0x23, length: 8 });
  // 2^53 - 1 fits, 2^53 does not
  assert.deepEqual(readVint(b(0x01, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0), {
    value: Number.MAX_SAFE_INTEGER,
    length: 8,
  });
  assert.throws(() => readVint(b(0x01, 0x20, 0, 0, 0, 0, 0, 0), 0), MkvFormatError);
  // offset is honoured
  assert.deepEqual(readVint(b(0xff, 0x42, 0x86), 1), { value: 0x286, length: 2 });
});

test('readVint: null while bytes are missing, MkvFormatError for the invalid first byte 0x00', () => {
  assert.equal(readVint(b(), 0), null);
  assert.equal(readVint(b(0x40), 0), null);
  assert.equal(readVint(b(0x01, 0, 0, 0, 0, 0, 0), 0), null);
  assert.throws(() => readVint(b(0x00, 0x81), 0), MkvFormatError);
});

test('readSize: all-ones is "unknown" (undefined) for every width 1..8', () => {
  for (let width = 1; width <= 8; width++) {
    const marker = encodeUnknownSize(width);
    assert.equal(marker.length, width);
    assert.equal(marker[0], 0xff >> (width - 1));
    assert.deepEqual(readSize(marker, 0), { value: undefined, length: width }, `width ${width}`);
    // one less than all-ones is a real size (for width 8 it exceeds 2^53 and is rejected)
    const almost = marker.slice();
    almost[width - 1] = 0xfe;
    if (width < 8) assert.equal(readSize(almost, 0)!.value, 2 ** (7 * width) - 2, `width ${width}`);
    else assert.throws(() => readSize(almost, 0), MkvFormatError);
  }
  assert.deepEqual(encodeUnknownSize(8), b(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
  assert.deepEqual(encodeUnknownSize(1), b(0xff));
  assert.equal(readSize(b(0x01, 0xff), 0), null);
  assert.throws(() => readSize(b(0x00), 0), MkvFormatError);
  // 8-byte sizes above 2^53 - 1 (other than unknown) are rejected, not rounded
  assert.throws(() => readSize(b(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe), 0), MkvFormatError);
});

test('readId keeps the marker bits; IDs longer than 4 bytes are invalid', () => {
  assert.deepEqual(readId(b(0x18, 0x53, 0x80, 0x67), 0), { id: EbmlId.Segment, length: 4 });
  assert.deepEqual(readId(b(0xa3), 0), { id: EbmlId.SimpleBlock, length: 1 });
  assert.deepEqual(readId(b(0x2a, 0xd7, 0xb1), 0), { id: EbmlId.TimecodeScale, length: 3 });
  assert.equal(readId(b(0x1a, 0x45), 0), null);
  assert.throws(() => readId(b(0x08, 0, 0, 0, 0), 0), MkvFormatError);
  assert.throws(() => readId(b(0x00), 0), MkvFormatError);
});

test('encodeSize / encodeId round-trip through the readers', () => {
  for (const value of [0, 1, 126, 127, 128, 16382, 16383, 2 ** 21, 2 ** 35, Number.MAX_SAFE_INTEGER]) {
    const enc = encodeSize(value);
    assert.equal(enc.length, minSizeWidth(value));
    assert.deepEqual(readSize(enc, 0), { value, length: enc.length });
    assert.deepEqual(readSize(encodeSize(value, 8), 0), { value, length: 8 });
  }
  // 127 = all ones in one byte, so it needs two bytes
  assert.deepEqual(encodeSize(127), b(0x40, 0x7f));
  assert.deepEqual(encodeSize(235, 4), b(0x10, 0x00, 0x00, 0xeb));
  assert.throws(() => encodeSize(127, 1), RangeError);
  assert.throws(() => encodeSize(-1), RangeError);
  for (const id of Object.values(EbmlId)) {
    assert.deepEqual(readId(encodeId(id), 0), { id, length: encodeId(id).length });
  }
  assert.deepEqual(encodeId(EbmlId.Segment), b(0x18, 0x53, 0x80, 0x67));
  assert.throws(() => encodeId(0x7f), RangeError);
  assert.throws(() => encodeId(0x1234), RangeError); // marker bits say 3 bytes
});

test('readElementHeader: complete, incomplete and invalid headers', () => {
  const h: ElementHeader = { id: 0, size: 0, length: 0 };
  const seg = b(0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
  assert.equal(readElementHeader(seg, 0, seg.length, h), 12);
  assert.deepEqual(h, { id: EbmlId.Segment, size: undefined, length: 12 });
  for (let end = 0; end < seg.length; end++) assert.equal(readElementHeader(seg, 0, end, h), 0);
  assert.equal(readElementHeader(b(0xe7, 0x81, 0x00), 0, 3, h), 2);
  assert.deepEqual(h, { id: EbmlId.Timecode, size: 1, length: 2 });
  assert.throws(() => readElementHeader(b(0xe7, 0x00), 0, 2, h), MkvFormatError);
  assert.throws(() => readElementHeader(b(0x00, 0x81), 0, 2, h), MkvFormatError);
});

test('StreamingHeaderReader assembles a header split at every position', () => {
  const bytes = b(0x1f, 0x43, 0xb6, 0x75, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xe7);
  for (let cut = 1; cut < 12; cut++) {
    const r = new StreamingHeaderReader();
    assert.equal(r.read(bytes.subarray(0, cut), 0), cut);
    assert.equal(r.header.length, 0);
    assert.equal(r.held, cut);
    const rest = bytes.subarray(cut);
    assert.equal(r.read(rest, 0), 12 - cut);
    assert.deepEqual(r.header, { id: EbmlId.Cluster, size: undefined, length: 12 });
    assert.equal(r.carried, cut);
    assert.deepEqual(r.carriedBytes(), bytes.subarray(0, cut));
    assert.equal(r.held, 0);
  }
  // byte by byte
  const r = new StreamingHeaderReader();
  for (let i = 0; i < 11; i++) assert.equal(r.read(bytes.subarray(i, i + 1), 0), 1);
  assert.equal(r.read(bytes.subarray(11, 12), 0), 1);
  assert.equal(r.header.id, EbmlId.Cluster);
});

test('scalar payload readers', () => {
  assert.equal(readUint(b(), 0, 0), 0);
  assert.equal(readUint(b(0x0f, 0x42, 0x40), 0, 3), 1_000_000);
  assert.equal(readUint(b(0, 0, 0x01, 0x93, 0x5e, 0x78, 0xd2, 0x11), 0, 8), 1732456796689); // epoch ms
  assert.throws(() => readUint(new Uint8Array(9), 0, 9), MkvFormatError);
  assert.throws(() => readUint(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0, 8), MkvFormatError);
  assert.equal(readFloat(b(0x40, 0xc3, 0x88, 0x00, 0, 0, 0, 0), 0, 8), 10000);
  assert.equal(readFloat(b(0x46, 0x1c, 0x40, 0x00), 0, 4), 10000);
  assert.equal(readFloat(b(), 0, 0), 0);
  assert.throws(() => readFloat(b(1, 2, 3), 0, 3), MkvFormatError);
  assert.equal(readString(b(0x6d, 0x6b, 0x76, 0, 0), 0, 5), 'mkv');
  assert.equal(readString(Uint8Array.from(Buffer.from('héllo')), 0, 6), 'héllo');
});

test('forEachChild validates that children are complete, known-size and inside the parent', () => {
  const seen: number[] = [];
  const payload = b(0xd7, 0x81, 0x01, 0x83, 0x81, 0x02);
  forEachChild(payload, 0, payload.length, (id) => seen.push(id));
  assert.deepEqual(seen, [EbmlId.TrackNumber, EbmlId.TrackType]);
  assert.throws(() => forEachChild(b(0xd7, 0x82, 0x01), 0, 3, () => {}), /larger than its parent/);
  assert.throws(() => forEachChild(b(0xd7, 0xff), 0, 2, () => {}), /unknown-size/);
  assert.throws(() => forEachChild(b(0x42), 0, 1, () => {}), MkvFormatError);
});
