/**
 * GetClip's progressive MP4 read back by ffmpeg (decodes), ffprobe (every source packet, bit-identical,
 * times relative to the clip start) and mp4box.js (boxes, sample counts, not fragmented).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes } from '../../../src/mkv/writer.js';
import { demuxFragment, describeTracks, ProgressiveMp4Writer } from '../../../src/packaging/index.js';
import { ffprobeMissing } from '../../helpers/tools.js';
import { assertSamePackets, decodeErrors, mp4boxParse, probePackets, tempFile } from './probe.js';
import { mediaPath, storedMedia } from './stored-media.js';

function clip(name: string, from = 0, to = Infinity): Uint8Array {
  const stored = storedMedia(`${name}.mkv`);
  const set = describeTracks(stored.header);
  const writer = new ProgressiveMp4Writer(set.tracks);
  const demuxed = stored.fragments
    .slice(from, to)
    .map((f) => demuxFragment(set, f.bytes, { clusterTimeMs: 1_700_000_000_000 + f.timecode }));
  for (const d of demuxed) writer.add(d);
  return concatBytes([writer.header(), ...demuxed.flatMap((d) => writer.payload(d))]);
}

for (const name of [
  'h264-aac',
  'h264-only',
  'h264-bframes-aac',
  'h265-aac',
  'h264-alaw',
  'ffmpeg-default-live',
]) {
  test(`progressive MP4 ${name}: plays and holds every source packet`, { skip: ffprobeMissing }, async () => {
    const bytes = clip(name);
    const file = tempFile(`${name}.mp4`, bytes);
    assert.equal(await decodeErrors(file), '');
    const source = await probePackets(mediaPath(`${name}.mkv`));
    const output = await probePackets(file);
    const streams = new Set(source.map((p) => p.stream)).size;
    // The clip starts at the earliest presentation time of the source (its edit lists keep A/V sync).
    const origin = Math.min(...source.map((p) => p.pts!));
    assertSamePackets(source, output, -origin, streams, name);

    const report = mp4boxParse(bytes);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.boxes, ['ftyp', 'moov', 'mdat']);
    assert.equal(report.fragmented, false);
    for (let s = 0; s < streams; s++) {
      assert.equal(report.tracks[s]!.samples, source.filter((p) => p.stream === s).length);
    }
  });
}

test('progressive MP4 of a later range starts at its own first frame', { skip: ffprobeMissing }, async () => {
  const file = tempFile('range.mp4', clip('h264-bframes-aac', 1, 3));
  assert.equal(await decodeErrors(file), '');
  const packets = await probePackets(file);
  const video = packets.filter((p) => p.stream === 0);
  assert.equal(video.length, 50); // two 1 s GOPs at 25 fps
  assert.ok(video[0]!.key);
  assert.ok(Math.min(...packets.map((p) => p.pts!)) < 0.001);
});
