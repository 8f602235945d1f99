/** The segment record format and its CRC-32. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { crc32, crc32Fallback } from '../../../src/storage/file/crc32.js';
import {
  RECORD_PREFIX_BYTES,
  RecordType,
  decodeFragmentMeta,
  decodeHeaderMeta,
  decodePrefix,
  encodeFragmentRecord,
  encodeHeaderRecord,
} from '../../../src/storage/file/record.js';
import { input } from '../../contract/fragment-fixtures.js';

test('the table-driven CRC-32 matches the native one, also incrementally', () => {
  assert.equal(crc32Fallback(Buffer.from('123456789')), 0xcbf43926); // the standard check value
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
      const whole = crc32Fallback(Buffer.concat([a, b]));
      assert.equal(crc32Fallback(b, crc32Fallback(a)), whole);
      assert.equal(crc32(b, crc32(a)), whole);
      const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
      if (native) assert.equal(native(Buffer.concat([a, b])), whole);
    }),
  );
});

test('a fragment record round-trips and keeps the payload slices uncopied', () => {
  const payload = [Buffer.from('abc'), Buffer.alloc(0), Buffer.from('defgh')];
  const meta = { ...input(7), size: 8, headerId: 3 };
  const record = encodeFragmentRecord(meta, payload);
  assert.equal(record.slices[2], payload[0], 'payload slices are written as given');
  const bytes = Buffer.concat(record.slices);
  assert.equal(bytes.length, record.length);
  const prefix = decodePrefix(bytes)!;
  assert.equal(prefix.type, RecordType.Fragment);
  assert.equal(prefix.payloadLength, 8);
  const metaBytes = bytes.subarray(RECORD_PREFIX_BYTES, RECORD_PREFIX_BYTES + prefix.metaLength);
  assert.deepEqual(decodeFragmentMeta(metaBytes), meta);
  assert.equal(bytes.subarray(record.payloadOffset).toString(), 'abcdefgh');
  assert.equal(crc32(bytes.subarray(RECORD_PREFIX_BYTES)), prefix.bodyCrc);
});

test('a header record carries both header parts', () => {
  const record = encodeHeaderRecord(4, { ebmlHeader: Buffer.from('EB'), segmentHeader: Buffer.from('SEG') });
  const bytes = Buffer.concat(record.slices);
  const prefix = decodePrefix(bytes)!;
  assert.equal(prefix.type, RecordType.Header);
  assert.equal(record.headerId, 4);
  const meta = decodeHeaderMeta(bytes.subarray(RECORD_PREFIX_BYTES, record.payloadOffset));
  assert.deepEqual(meta, { headerId: 4, ebmlLength: 2 });
  assert.equal(bytes.subarray(record.payloadOffset).toString(), 'EBSEG');
});

test('any damage to a prefix is detected', () => {
  const bytes = Buffer.concat(
    encodeFragmentRecord({ ...input(1), size: 1, headerId: 1 }, [Buffer.from('x')]).slices,
  );
  for (let at = 0; at < RECORD_PREFIX_BYTES; at++) {
    const damaged = Buffer.from(bytes);
    damaged.writeUInt8(damaged.readUInt8(at) ^ 0x10, at);
    assert.equal(decodePrefix(damaged), undefined, `byte ${at}`);
  }
  assert.equal(decodePrefix(bytes.subarray(0, 10)), undefined);
});
