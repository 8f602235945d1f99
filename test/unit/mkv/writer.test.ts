import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { readSize } from '../../../src/mkv/ebml.js';
import { EbmlId } from '../../../src/mkv/ids.js';
import { SEGMENT_UNKNOWN_SIZE_HEADER, endTags, startTags } from '../../../src/mkv/kvs-chunk.js';
import { parseTagsPayload } from '../../../src/mkv/tags.js';
import {
  buildTags,
  concatBytes,
  floatElement,
  stringElement,
  uintElement,
  writeElement,
} from '../../../src/mkv/writer.js';
import { fixture, fragments, parseAll } from './mkv-test-utils.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('writeElement fills sizes, honours sizeWidth and unknownSize, accepts tree literals', () => {
  assert.equal(hex(uintElement(EbmlId.Timecode, 4000)), 'e7820fa0');
  assert.equal(hex(uintElement(EbmlId.Timecode, 0)), 'e78100');
  assert.equal(hex(uintElement(EbmlId.Timecode, 4000, { sizeWidth: 8 })), 'e701000000000000020fa0');
  assert.equal(hex(stringElement(EbmlId.DocType, 'webm')), '4282847765626d');
  assert.equal(hex(floatElement(EbmlId.Duration, 10000)), '448988' + '40c3880000000000');
  assert.equal(hex(writeElement(EbmlId.Cluster, [], { unknownSize: true })), '1f43b67501ffffffffffffff');
  assert.equal(hex(writeElement(EbmlId.Cluster, [], { unknownSize: true, sizeWidth: 1 })), '1f43b675ff');
  const tree = writeElement(EbmlId.BlockGroup, [
    { id: EbmlId.Block, data: Uint8Array.of(0x81, 0, 0, 0) },
    { id: EbmlId.BlockAdditions, children: [uintElement(EbmlId.TrackNumber, 1)], sizeWidth: 2 },
  ]);
  assert.equal(hex(tree), 'a0' + '8d' + 'a18481000000' + '75a1' + '4003' + 'd78101');
  // a payload of 127 bytes needs a 2-byte size (0x7f alone would mean "unknown")
  const e = writeElement(EbmlId.Void, new Uint8Array(127));
  assert.deepEqual(readSize(e, 1), { value: 127, length: 2 });
});

test('buildTags: KVS layout, every size field 4 bytes wide, no Targets (spec §6.3)', () => {
  const tags = buildTags([
    { name: 'A', value: 'bc' },
    { name: 'D', value: '' },
  ]);
  // prettier-ignore
  assert.equal(
    hex(tags),
    '1254c367' + '1000002e' + '7373' + '10000028' +
      '67c8' + '1000000f' + '45a3' + '10000001' + '41' + '4487' + '10000002' + '6263' +
      '67c8' + '1000000d' + '45a3' + '10000001' + '44' + '4487' + '10000000',
  );
  assert.deepEqual(parseTagsPayload(tags, 8, tags.length), [
    { name: 'A', value: 'bc' },
    { name: 'D', value: '' },
  ]);
  assert.equal(
    buildTags([{ name: 'A', value: 'b' }], { sizeWidth: 8 }).length,
    4 + 8 + 2 + 8 + 2 + 8 + 2 + 8 + 1 + 2 + 8 + 1,
  );
});

test('a GetMedia-style stream built from a fixture is valid Matroska for mkvinfo', (t) => {
  const events = parseAll(fixture('h264-aac'));
  const header = events.find((e) => e.type === 'header');
  assert.ok(header?.type === 'header');
  const frags = fragments(events);
  const chunks = frags.map((f, i) =>
    concatBytes([
      header.ebmlHeader,
      SEGMENT_UNKNOWN_SIZE_HEADER,
      header.segmentHeader,
      startTags({
        fragmentNumber: `9134385233318${String(i).padStart(34, '0')}`,
        serverTimestamp: `1732456800.${String(i).padStart(3, '0')}`,
        producerTimestamp: (f.timecode / 1000).toFixed(3),
      }),
      f.bytes,
      endTags({ millisBehindNow: '15', continuationToken: `9134385233318${String(i).padStart(34, '0')}` }),
    ]),
  );
  const dir = mkdtempSync(join(tmpdir(), 'kvideo-mkv-'));
  try {
    const file = join(dir, 'chunk.mkv');
    writeFileSync(file, chunks[0]!); // mkvinfo reads the first EBML document of a file
    const r = spawnSync('mkvinfo', ['-a', file], { encoding: 'utf8' });
    if (r.error) return t.skip('mkvinfo not installed');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /error|warning/i);
    const lines = r.stdout.split('\n');
    assert.equal(lines.filter((l) => l.startsWith('|+ Cluster')).length, 1);
    assert.equal(lines.filter((l) => l.startsWith('|+ Tags')).length, 3); // ENCODER, start, end
    for (const name of [
      'FRAGMENT_NUMBER',
      'SERVER_TIMESTAMP',
      'PRODUCER_TIMESTAMP',
      'MILLIS_BEHIND_NOW',
      'CONTINUATION_TOKEN',
    ]) {
      assert.ok(r.stdout.includes(`Name: AWS_KINESISVIDEO_${name}`), name);
    }
    // ffprobe, when present, must decode the concatenation of all chunks as one playable stream
    writeFileSync(file, concatBytes(chunks));
    const probe = spawnSync(
      'ffprobe',
      ['-v', 'error', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file],
      {
        encoding: 'utf8',
      },
    );
    if (!probe.error) {
      assert.equal(probe.status, 0, probe.stderr);
      assert.ok(Number(probe.stdout.split('\n')[0]) > 0, probe.stdout);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
