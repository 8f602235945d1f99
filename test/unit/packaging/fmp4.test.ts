/**
 * fMP4 init + media segments from stored fixture fragments, read back by ffprobe (packets: payload
 * MD5, size, key flag, pts/dts against the source Matroska) and mp4box.js (every box), plus tfdt
 * continuity between independently packaged fragments.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildInitSegment,
  buildMediaSegment,
  demuxFragment,
  describeTracks,
  type DemuxedFragment,
} from '../../../src/packaging/index.js';
import { concatBytes } from '../../../src/mkv/writer.js';
import { ffprobeMissing } from '../../helpers/tools.js';
import { assertSamePackets, decodeErrors, mp4boxParse, probePackets, tempFile } from './probe.js';
import { mediaPath, storedMedia } from './stored-media.js';

const BASE_MS = 1_700_000_000_000;
const FIXTURES = ['h264-aac', 'h264-only', 'h264-bframes-aac', 'h265-aac', 'ffmpeg-default-live'];

function packageAll(name: string): { init: Uint8Array; segments: Uint8Array[]; demuxed: DemuxedFragment[] } {
  const stored = storedMedia(`${name}.mkv`);
  const set = describeTracks(stored.header);
  const demuxed = stored.fragments.map((f) =>
    demuxFragment(set, f.bytes, { clusterTimeMs: BASE_MS + (f.timecode * set.timecodeScaleNs) / 1e6 }),
  );
  return {
    init: buildInitSegment(set.tracks),
    segments: demuxed.map((d, i) => buildMediaSegment(set.tracks, d, i + 1)),
    demuxed,
  };
}

for (const name of FIXTURES) {
  test(
    `fMP4 ${name}: ffprobe sees every source packet, bit-identical, with its times`,
    { skip: ffprobeMissing },
    async () => {
      const { init, segments } = packageAll(name);
      const file = tempFile(`${name}.mp4`, concatBytes([init, ...segments]));
      assert.equal(await decodeErrors(file), '');
      const source = await probePackets(mediaPath(`${name}.mkv`));
      const output = await probePackets(file);
      const streams = new Set(source.map((p) => p.stream)).size;
      assertSamePackets(source, output, BASE_MS / 1000, streams, name);
    },
  );

  test(`fMP4 ${name}: mp4box.js parses every box`, () => {
    const { init, segments } = packageAll(name);
    const report = mp4boxParse(concatBytes([init, ...segments]));
    assert.deepEqual(report.errors, []);
    const expected = ['ftyp', 'moov', ...segments.flatMap(() => ['styp', 'moof', 'mdat'])];
    assert.deepEqual(report.boxes, expected);
    assert.ok(report.fragmented);
    const moofs = report.raw.filter((b) => b.type === 'moof') as unknown as {
      mfhd: { sequence_number: number };
      trafs: { tfdt: { baseMediaDecodeTime: number | bigint }; truns: { sample_count: number }[] }[];
    }[];
    moofs.forEach((m, i) => assert.equal(m.mfhd.sequence_number, i + 1));
  });
}

test(
  'fMP4: each fragment packaged alone decodes after the init segment',
  { skip: ffprobeMissing },
  async () => {
    const { init, segments } = packageAll('h264-bframes-aac');
    for (const [i, segment] of segments.entries()) {
      const file = tempFile(`alone-${i}.mp4`, concatBytes([init, segment]));
      assert.equal(await decodeErrors(file), '', `fragment ${i}`);
    }
  },
);

test('fMP4: decode times continue across independently packaged fragments', () => {
  for (const name of ['h264-aac', 'h264-bframes-aac', 'h265-aac']) {
    const { demuxed } = packageAll(name);
    for (const track of [1, 2]) {
      for (let k = 0; k + 1 < demuxed.length; k++) {
        const a = demuxed[k]!.samples.get(track)!;
        const b = demuxed[k + 1]!.samples.get(track)!;
        const last = a[a.length - 1]!;
        const gap = b[0]!.dts - (last.dts + last.duration);
        // Video: exact at 90 kHz. Audio: Matroska stores ms, so ±1 ms of rounding (44.1 ticks).
        if (track === 1) assert.equal(gap, 0, `${name} video fragment ${k}→${k + 1}`);
        else assert.ok(Math.abs(gap) <= 45, `${name} audio fragment ${k}→${k + 1}: gap ${gap}`);
      }
    }
  }
});
