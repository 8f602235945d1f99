import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MkvFormatError } from '../../../src/mkv/ebml.js';
import { parseTracksPayload, parseInfoPayload, checkEbmlHeader } from '../../../src/mkv/header-elements.js';
import { EbmlId } from '../../../src/mkv/ids.js';
import { isReservedTagName, parseTagsPayload } from '../../../src/mkv/tags.js';
import { stringElement, uintElement, writeElement } from '../../../src/mkv/writer.js';

const payload = (element: Uint8Array, headerLength: number) =>
  [element, headerLength, element.length] as const;

test('parseTagsPayload: producer-style Tags with Targets, TagBinary, nested SimpleTags', () => {
  const tags = writeElement(EbmlId.Tags, [
    writeElement(EbmlId.Tag, [
      writeElement(EbmlId.Targets, [uintElement(EbmlId.TargetTypeValue, 50)]),
      writeElement(EbmlId.SimpleTag, [
        stringElement(EbmlId.TagName, 'ENCODER'),
        stringElement(EbmlId.TagLanguage, 'und'),
        stringElement(EbmlId.TagString, 'Lavc'),
        writeElement(EbmlId.SimpleTag, [stringElement(EbmlId.TagName, 'nested')]),
      ]),
      writeElement(EbmlId.SimpleTag, [
        stringElement(EbmlId.TagName, 'blob'),
        writeElement(EbmlId.TagBinary, Uint8Array.of(1, 2)),
      ]),
    ]),
    writeElement(EbmlId.Tag, [
      writeElement(EbmlId.SimpleTag, [stringElement(EbmlId.TagName, 'AWS_KINESISVIDEO_END_OF_FRAGMENT')]),
    ]),
  ]);
  assert.deepEqual(parseTagsPayload(...payload(tags, 5)), [
    { name: 'ENCODER', value: 'Lavc' },
    { name: 'blob', value: '' },
    { name: 'AWS_KINESISVIDEO_END_OF_FRAGMENT', value: '' },
  ]);
  assert.equal(isReservedTagName('AWS_KINESISVIDEO_NOTIFICATION'), true);
  assert.equal(isReservedTagName('AWS_OTHER'), false);
  assert.throws(() => parseTagsPayload(Uint8Array.of(0x73, 0x73, 0x85, 0x67), 0, 4), MkvFormatError);
});

test('header elements: TimecodeScale default and value, Tracks, DocType check', () => {
  assert.equal(parseInfoPayload(new Uint8Array(0), 0, 0), 1_000_000);
  const info = writeElement(EbmlId.Info, [uintElement(EbmlId.TimecodeScale, 100_000)]);
  assert.equal(parseInfoPayload(...payload(info, 5)), 100_000);
  const zero = writeElement(EbmlId.Info, [uintElement(EbmlId.TimecodeScale, 0)]);
  assert.throws(() => parseInfoPayload(...payload(zero, 5)), /TimecodeScale is 0/);
  const tracks = writeElement(EbmlId.Tracks, [
    writeElement(EbmlId.TrackEntry, [
      uintElement(EbmlId.TrackNumber, 2),
      uintElement(EbmlId.TrackType, 2),
      stringElement(EbmlId.CodecID, 'A_AAC'),
      writeElement(EbmlId.CodecPrivate, Uint8Array.of(0x12, 0x10)),
    ]),
  ]);
  assert.deepEqual(parseTracksPayload(...payload(tracks, 5)), [
    { number: 2, type: 2, codecId: 'A_AAC', codecPrivate: Uint8Array.of(0x12, 0x10) },
  ]);
  const noNumber = writeElement(EbmlId.Tracks, [
    writeElement(EbmlId.TrackEntry, [uintElement(EbmlId.TrackType, 1)]),
  ]);
  assert.throws(() => parseTracksPayload(...payload(noNumber, 5)), /TrackNumber/);
  checkEbmlHeader(new Uint8Array(0), 0, 0); // no DocType = "matroska"
  const avi = stringElement(EbmlId.DocType, 'avi');
  assert.throws(() => checkEbmlHeader(avi, 0, avi.length), /DocType/);
});
