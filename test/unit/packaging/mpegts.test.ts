/**
 * MPEG-TS segments read back by ffmpeg/ffprobe: every segment decodes, PES times match the source,
 * video NAL units (apart from the access unit delimiters and parameter sets the muxer adds) and the
 * ADTS audio stream are bit-identical with what ffmpeg itself derives from the source Matroska.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  buildTsSegment,
  demuxFragment,
  describeTracks,
  PackagingError,
} from '../../../src/packaging/index.js';
import { concatBytes } from '../../../src/mkv/writer.js';
import { ffmpegMissing, run } from '../../helpers/tools.js';
import { decodeErrors, probePackets, tempFile } from './probe.js';
import { mediaPath, storedMedia } from './stored-media.js';

const BASE_MS = 10_000; // small, so 33-bit PTS does not wrap and ffprobe times compare directly

function packageTs(name: string): Uint8Array[] {
  const stored = storedMedia(`${name}.mkv`);
  const set = describeTracks(stored.header);
  return stored.fragments.map((f, i) =>
    buildTsSegment(set.tracks, demuxFragment(set, f.bytes, { clusterTimeMs: BASE_MS + f.timecode }), i),
  );
}

/** NAL units of an Annex B stream, without the ones the TS muxer adds (AUD, parameter sets). */
function nalUnits(annexB: Uint8Array, h265: boolean): string[] {
  const starts: number[] = [];
  for (let i = 0; i + 2 < annexB.length; i++) {
    if (annexB[i] === 0 && annexB[i + 1] === 0 && annexB[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  const out: string[] = [];
  starts.forEach((s, k) => {
    let e = k + 1 < starts.length ? starts[k + 1]! - 3 : annexB.length;
    while (e > s && annexB[e - 1] === 0) e--;
    const type = h265 ? (annexB[s]! >> 1) & 0x3f : annexB[s]! & 0x1f;
    const added = h265 ? type >= 32 && type <= 35 : type === 7 || type === 8 || type === 9;
    if (!added) out.push(Buffer.from(annexB.subarray(s, e)).toString('base64'));
  });
  return out;
}

async function extract(input: string, args: string[]): Promise<Uint8Array> {
  const out = tempFile('es.bin');
  const r = await run('ffmpeg', ['-v', 'error', '-y', '-i', input, ...args, out]);
  assert.equal(r.code, 0, r.stderr);
  return new Uint8Array(readFileSync(out));
}

for (const [name, h265] of [
  ['h264-aac', false],
  ['h264-bframes-aac', false],
  ['h265-aac', true],
] as const) {
  test(`MPEG-TS ${name}: decodes; payloads and times are the source's`, { skip: ffmpegMissing }, async () => {
    const segments = packageTs(name);
    const file = tempFile(`${name}.ts`, concatBytes(segments));
    assert.equal(await decodeErrors(file), '');
    for (const [i, segment] of segments.entries()) {
      assert.equal(segment.length % 188, 0);
      assert.equal(await decodeErrors(tempFile(`alone-${i}.ts`, segment)), '', `segment ${i} alone`);
    }
    const src = mediaPath(`${name}.mkv`);
    const vcodec = h265 ? 'hevc' : 'h264';
    const mine = await extract(file, ['-map', '0:v', '-c', 'copy', '-f', vcodec]);
    const theirs = await extract(src, [
      '-map',
      '0:v',
      '-c',
      'copy',
      '-bsf:v',
      `${vcodec}_mp4toannexb`,
      '-f',
      vcodec,
    ]);
    const a = nalUnits(mine, h265);
    assert.ok(a.length >= 100);
    assert.deepEqual(a, nalUnits(theirs, h265));
    const adts = ['-map', '0:a', '-c', 'copy', '-f', 'adts'];
    assert.deepEqual(await extract(file, adts), await extract(src, adts));

    const source = await probePackets(src);
    const output = await probePackets(file);
    for (const stream of [0, 1]) {
      const s = source.filter((p) => p.stream === stream);
      const o = output.filter((p) => p.stream === stream);
      assert.equal(o.length, s.length);
      s.forEach((p, i) => {
        assert.ok(
          Math.abs(o[i]!.pts! - BASE_MS / 1000 - p.pts!) < 0.0011,
          `stream ${stream} packet ${i} pts`,
        );
        if (p.dts !== undefined) assert.ok(Math.abs(o[i]!.dts! - BASE_MS / 1000 - p.dts) < 0.0011);
        if (stream === 0) assert.equal(o[i]!.key, p.key, `packet ${i} key flag`);
      });
    }
  });
}

test('MPEG-TS refuses G.711 audio', () => {
  const stored = storedMedia('h264-alaw.mkv');
  const set = describeTracks(stored.header);
  const demuxed = demuxFragment(set, stored.fragments[0]!.bytes, { clusterTimeMs: BASE_MS });
  assert.throws(
    () => buildTsSegment(set.tracks, demuxed, 0),
    (e: unknown) => e instanceof PackagingError && e.exception === 'UnsupportedStreamMediaTypeException',
  );
});
