import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { MkvFormatError, encodeSize } from '../../../src/mkv/ebml.js';
import { EbmlId } from '../../../src/mkv/ids.js';
import { MkvIngestParser, type MkvEvent } from '../../../src/mkv/ingest-parser.js';
import { buildTags, concatBytes, uintElement, writeElement } from '../../../src/mkv/writer.js';
import {
  EBML_HEADER,
  EOFR_TAGS,
  FIXTURES,
  INFO,
  TRACKS,
  cluster,
  fixture,
  fixturePath,
  fragments,
  normalize,
  parseAll,
  scanClusters,
  simpleBlock,
  stream,
  types,
} from './mkv-test-utils.js';

const HEADER_OF = (events: MkvEvent[]) => {
  const h = events.find((e) => e.type === 'header');
  assert.ok(h && h.type === 'header', 'no header event');
  return h;
};

for (const name of FIXTURES) {
  test(`fixture ${name}: one fragment per Cluster, bytes reconstruct the input`, () => {
    const input = fixture(name);
    const expected = scanClusters(input); // independent scan, see mkv-test-utils.ts
    const events = parseAll(input, [64 * 1024]);
    const header = HEADER_OF(events);
    const frags = fragments(events);
    assert.equal(frags.length, expected.length);
    assert.deepEqual(
      frags.map((f) => f.timecode),
      expected.map((c) => c.timecode),
    );
    assert.deepEqual(
      frags.map((f) => f.blocks),
      expected.map((c) => c.simpleBlocks),
    );
    // ffmpeg's ENCODER Tags come before the first Cluster, so they are reported before the header event
    assert.deepEqual(types(events).slice(0, 3), ['tags', 'header', 'clusterStart']);
    assert.equal(events.at(-1)!.type, 'clusterEnd');
    // ffmpeg writes the 8-byte unknown Segment size, which is what GetMedia re-emits too.
    const segmentHeaderEnd = header.ebmlHeader.length + 12;
    const rebuilt = concatBytes([
      header.ebmlHeader,
      input.subarray(header.ebmlHeader.length, segmentHeaderEnd),
      header.segmentHeader,
      ...frags.map((f) => f.bytes),
    ]);
    assert.deepEqual(rebuilt, input);
    assert.equal(header.segmentHeader.length + segmentHeaderEnd, expected[0]!.offset);
    for (const [i, f] of frags.entries()) {
      assert.deepEqual(f.bytes.subarray(0, 4), Uint8Array.of(0x1f, 0x43, 0xb6, 0x75), `fragment ${i}`);
    }
    assert.equal(header.timecodeScaleNs, 1_000_000);
    assert.equal(header.tracks[0]!.codecId, 'V_MPEG4/ISO/AVC');
    assert.equal(header.tracks[0]!.type, 1);
    assert.ok(header.tracks[0]!.codecPrivate!.length > 10);
    if (name !== 'h264-only') {
      assert.deepEqual(
        [header.tracks[1]!.number, header.tracks[1]!.type, header.tracks[1]!.codecId],
        [2, 2, 'A_AAC'],
      );
    }
  });
}

test('fixture cluster counts agree with mkvinfo', (t) => {
  for (const name of FIXTURES) {
    const r = spawnSync('mkvinfo', ['-a', fileURLToPath(fixturePath(name))], { encoding: 'utf8' });
    if (r.error) return t.skip('mkvinfo not installed');
    const mkvinfoClusters = r.stdout.split('\n').filter((l) => l.startsWith('|+ Cluster')).length;
    const parsed = parseAll(fixture(name)).filter((e) => e.type === 'clusterStart').length;
    assert.equal(parsed, mkvinfoClusters, name);
  }
});

test('key-frame aligned fixtures start every fragment with a video key frame', () => {
  for (const name of ['h264-aac', 'h264-only']) {
    let expectKey = false;
    for (const e of parseAll(fixture(name))) {
      if (e.type === 'clusterStart') expectKey = true;
      if (e.type === 'block' && e.track === 1 && expectKey) {
        assert.equal(e.keyframe, true, name);
        expectKey = false;
      }
    }
  }
  const live = parseAll(fixture('ffmpeg-default-live'));
  const firstVideo: boolean[] = [];
  let want = false;
  for (const e of live) {
    if (e.type === 'clusterStart') want = true;
    if (e.type === 'block' && e.track === 1 && want) {
      firstVideo.push(e.keyframe);
      want = false;
    }
  }
  assert.ok(
    firstVideo.includes(false),
    'default live fixture should have a cluster starting with a delta frame',
  );
});

test('unknown-size Segment and Clusters, split everywhere', () => {
  const c1 = cluster(0, [simpleBlock(1, 0, true), simpleBlock(1, 33, false)], true);
  const c2 = cluster(66, [simpleBlock(1, 0, true, 3000), simpleBlock(1, -5, false)], true);
  const input = stream([c1, c2]);
  const events = parseAll(input);
  assert.deepEqual(types(events), ['header', 'clusterStart', 'clusterEnd', 'clusterStart', 'clusterEnd']);
  const frags = fragments(events);
  assert.deepEqual(frags[0]!.bytes, c1);
  assert.deepEqual(frags[1]!.bytes, c2);
  assert.deepEqual(
    events.filter((e) => e.type === 'block'),
    [
      { type: 'block', track: 1, relativeTimecode: 0, keyframe: true },
      { type: 'block', track: 1, relativeTimecode: 33, keyframe: false },
      { type: 'block', track: 1, relativeTimecode: 0, keyframe: true },
      { type: 'block', track: 1, relativeTimecode: -5, keyframe: false },
    ],
  );
  const header = HEADER_OF(events);
  assert.deepEqual(header.ebmlHeader, EBML_HEADER);
  assert.deepEqual(header.segmentHeader, concatBytes([INFO, TRACKS]));
  const whole = normalize(events);
  for (const size of [1, 2, 3, 5, 7, 11, 13, 100])
    assert.deepEqual(normalize(parseAll(input, [size])), whole, `size ${size}`);
});

test('known-size Segment: segmentEnd at its end; clusters of 1- to 8-byte size fields', () => {
  const clusters = [1, 2, 4, 8].map((w, i) =>
    writeElement(EbmlId.Cluster, [uintElement(EbmlId.Timecode, i * 1000), simpleBlock(1, 0, true)], {
      sizeWidth: w,
    }),
  );
  const input = stream(clusters, false);
  const events = parseAll(input, [3]);
  assert.deepEqual(types(events), [
    'header',
    ...clusters.flatMap(() => ['clusterStart', 'clusterEnd']),
    'segmentEnd',
  ]);
  assert.deepEqual(
    fragments(events).map((f) => f.bytes),
    clusters,
  );
});

test('a second EBML header ends the Segment and produces another header event', () => {
  const a = stream([cluster(0, [simpleBlock(1, 0, true)], true)]);
  const b = stream([cluster(5000, [simpleBlock(1, 0, true)])]);
  const events = parseAll(concatBytes([a, b]), [7]);
  assert.deepEqual(types(events), [
    'header',
    'clusterStart',
    'clusterEnd',
    'segmentEnd',
    'header',
    'clusterStart',
    'clusterEnd',
  ]);
  assert.deepEqual(
    fragments(events).map((f) => f.timecode),
    [0, 5000],
  );
});

test('EoFR tag ends the fragment and is left out of its bytes; producer tags stay', () => {
  const producerTags = buildTags([{ name: 'camera', value: 'front' }], { sizeWidth: 8 });
  const c1 = cluster(0, [simpleBlock(1, 0, true)], true);
  const c2 = cluster(1000, [simpleBlock(1, 0, true)], true);
  const input = stream([c1, producerTags, EOFR_TAGS, producerTags, c2, EOFR_TAGS]);
  const events = parseAll(input);
  assert.deepEqual(types(events), [
    'header',
    'clusterStart',
    'tags',
    'clusterEnd',
    'tags',
    'tags',
    'clusterStart',
    'clusterEnd',
    'tags',
  ]);
  const tags = events.filter((e) => e.type === 'tags');
  assert.deepEqual(tags[0], {
    type: 'tags',
    simpleTags: [{ name: 'camera', value: 'front' }],
    reservedOnly: false,
  });
  assert.deepEqual(tags[1], {
    type: 'tags',
    simpleTags: [{ name: 'AWS_KINESISVIDEO_END_OF_FRAGMENT', value: '' }],
    reservedOnly: true,
  });
  const frags = fragments(events);
  assert.deepEqual(frags[0]!.bytes, concatBytes([c1, producerTags])); // trailing producer tags kept (spec §6.3 [6])
  assert.deepEqual(frags[1]!.bytes, c2);
  assert.deepEqual(normalize(parseAll(input, [1])), normalize(events));
});

test('reserved-only Tags before the first Cluster are reported but not kept in the header', () => {
  const producerTags = buildTags([{ name: 'site', value: 'lab' }]);
  const input = stream([producerTags, EOFR_TAGS, cluster(0, [simpleBlock(1, 0, true)])]);
  const events = parseAll(input, [5]);
  assert.deepEqual(types(events), ['tags', 'tags', 'header', 'clusterStart', 'clusterEnd']);
  assert.deepEqual(HEADER_OF(events).segmentHeader, concatBytes([INFO, TRACKS, producerTags]));
});

test('BlockGroup: key frame unless ReferenceBlock, BlockDuration reported', () => {
  const block = (rel: number) => writeElement(EbmlId.Block, Uint8Array.of(0x82, 0, rel, 0, 1, 2, 3));
  const groups = [
    writeElement(EbmlId.BlockGroup, [block(0), uintElement(EbmlId.BlockDuration, 40)]),
    writeElement(EbmlId.BlockGroup, [block(40), writeElement(EbmlId.ReferenceBlock, Uint8Array.of(0xd8))]),
  ];
  const events = parseAll(stream([cluster(0, groups, true)]), [2]);
  assert.deepEqual(
    events.filter((e) => e.type === 'block'),
    [
      { type: 'block', track: 2, relativeTimecode: 0, keyframe: true, durationTc: 40 },
      { type: 'block', track: 2, relativeTimecode: 40, keyframe: false },
    ],
  );
});

test('CRC-32 and Void before the Cluster Timecode; Cues after the Cluster stay with the fragment', () => {
  const c = writeElement(
    EbmlId.Cluster,
    [
      writeElement(EbmlId.CRC32, Uint8Array.of(1, 2, 3, 4)),
      writeElement(EbmlId.Void, new Uint8Array(3)),
      uintElement(EbmlId.Timecode, 7),
      simpleBlock(1, 0, true),
    ],
    { unknownSize: true },
  );
  const cues = writeElement(EbmlId.Cues, [writeElement(EbmlId.CuePoint, new Uint8Array(4))]);
  const events = parseAll(stream([c, cues]), [1]);
  const frags = fragments(events);
  assert.equal(frags[0]!.timecode, 7);
  assert.deepEqual(frags[0]!.bytes, concatBytes([c, cues]));
});

test('header event at end() when the Segment has no Cluster', () => {
  const events = parseAll(stream([]));
  assert.deepEqual(types(events), ['header']);
  assert.deepEqual(parseAll(new Uint8Array(0)), []);
});

test('truncated body: a partial fragment is reported as truncated', () => {
  const input = fixture('h264-aac');
  const second = scanClusters(input)[1]!.offset;
  const events = parseAll(input.subarray(0, second + 500), [4096]);
  assert.deepEqual(types(events), [
    'tags',
    'header',
    'clusterStart',
    'clusterEnd',
    'clusterStart',
    'truncated',
  ]);
  // cut inside the CRC-32 before the Timecode, or right after the Timecode of a known-size Cluster
  for (const cut of [second + 9, second + 17]) {
    assert.deepEqual(types(parseAll(input.subarray(0, cut))).at(-1), 'truncated', `cut ${cut}`);
  }
  // cut inside the next Cluster's ID: those bytes were never handed out, fragment 1 is complete
  assert.deepEqual(types(parseAll(input.subarray(0, second + 2))).slice(-2), ['clusterStart', 'clusterEnd']);
  // body ending inside the EBML header or Tracks
  assert.deepEqual(types(parseAll(input.subarray(0, 10))), ['truncated']);
  assert.deepEqual(types(parseAll(input.subarray(0, 300))), ['truncated']);
});

test('an unknown-size Cluster complete at the end of the body is a complete fragment', () => {
  const c = cluster(0, [simpleBlock(1, 0, true)], true);
  assert.deepEqual(types(parseAll(stream([c]))), ['header', 'clusterStart', 'clusterEnd']);
  // ... but one that ends inside a block is not
  const cut = stream([c]);
  assert.deepEqual(types(parseAll(cut.subarray(0, cut.length - 3))).at(-1), 'truncated');
  // a trailing Tags element cut short was never handed out: the fragment is still complete
  const tagged = stream([c, buildTags([{ name: 'a', value: 'b' }])]);
  assert.deepEqual(types(parseAll(tagged.subarray(0, tagged.length - 2))), [
    'header',
    'clusterStart',
    'clusterEnd',
  ]);
});

function assertFormatError(input: Uint8Array, pattern: RegExp, options = {}): void {
  for (const sizes of [[], [1], [3]]) {
    assert.throws(
      () => parseAll(input, sizes, options),
      (err: unknown) => {
        assert.ok(err instanceof MkvFormatError, `expected MkvFormatError, got ${String(err)}`);
        assert.match(err.message, pattern);
        return true;
      },
    );
  }
}

test('malformed input throws MkvFormatError', () => {
  const c = cluster(0, [simpleBlock(1, 0, true)], true);
  assertFormatError(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'), /expected an EBML header|invalid/);
  assertFormatError(concatBytes([Uint8Array.of(0xec, 0x80), stream([c])]), /expected an EBML header/);
  assertFormatError(concatBytes([EBML_HEADER, Uint8Array.of(0x00, 0x81, 0x00)]), /invalid element ID/);
  assertFormatError(
    concatBytes([EBML_HEADER, Uint8Array.of(0x18, 0x53, 0x80, 0x67, 0x00)]),
    /invalid element size/,
  );
  // absurd sizes: beyond 2^53, and a Tracks element beyond the buffering limit
  assertFormatError(
    concatBytes([
      EBML_HEADER,
      Uint8Array.of(0x18, 0x53, 0x80, 0x67, 0x01, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    ]),
    /too large/,
  );
  const hugeTracks = concatBytes([
    EBML_HEADER,
    Uint8Array.of(0x18, 0x53, 0x80, 0x67, 0xff, 0x16, 0x54, 0xae, 0x6b),
    encodeSize(2 ** 40, 8),
  ]);
  assertFormatError(hugeTracks, /buffering limit/);
  assertFormatError(stream([c, TRACKS]), /after the first Cluster/);
  assertFormatError(stream([c, INFO]), /after the first Cluster/);
  // element larger than its known-size parent
  const badCluster = concatBytes([
    Uint8Array.of(0x1f, 0x43, 0xb6, 0x75, 0x85),
    uintElement(EbmlId.Timecode, 0),
    simpleBlock(1, 0, true),
  ]);
  assertFormatError(stream([badCluster]), /larger than its parent/);
  // unknown size where not allowed
  assertFormatError(stream([writeElement(EbmlId.Tags, [], { unknownSize: true })]), /unknown-size/);
  // block before Timecode, Cluster without Timecode
  assertFormatError(
    stream([writeElement(EbmlId.Cluster, [simpleBlock(1, 0, true)])]),
    /before the Cluster Timecode/,
  );
  assertFormatError(stream([writeElement(EbmlId.Cluster, []), c]), /without a Timecode/);
  // nesting deeper than 16 levels
  let nested = writeElement(EbmlId.SimpleTag, [writeElement(EbmlId.TagName, new TextEncoder().encode('x'))]);
  for (let i = 0; i < 20; i++) nested = writeElement(EbmlId.SimpleTag, [nested]);
  assertFormatError(
    stream([writeElement(EbmlId.Tags, [writeElement(EbmlId.Tag, [nested])]), c]),
    /nested deeper/,
  );
  // two EBML headers back to back, and a non-Matroska DocType
  assertFormatError(concatBytes([EBML_HEADER, EBML_HEADER]), /expected a Segment/);
  const webm = EBML_HEADER.slice();
  webm.set(new TextEncoder().encode('matrosky'), webm.indexOf(0x6d));
  assertFormatError(concatBytes([webm]), /DocType/);
  // header limits
  assertFormatError(stream([c]), /buffering limit/, { maxHeaderSize: 64 });
});

test('after an error, and after end(), the parser refuses more input', () => {
  const p = new MkvIngestParser();
  assert.throws(() => p.push(Uint8Array.of(0x00)), MkvFormatError);
  assert.throws(() => p.push(EBML_HEADER), /already failed/);
  const q = new MkvIngestParser();
  q.end();
  assert.throws(() => q.push(EBML_HEADER), /already failed or ended/);
});

test('absolute (epoch ms) cluster timecodes survive as numbers', () => {
  const tc = 1732456796689;
  const events = parseAll(stream([cluster(tc, [simpleBlock(1, 0, true)])]));
  assert.equal(fragments(events)[0]!.timecode, tc);
});
