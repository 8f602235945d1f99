/** Track description and KVS media rules: codec strings, and the refusals mapped to KVS exceptions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EbmlId } from '../../../src/mkv/ids.js';
import { concatBytes, stringElement, uintElement, writeElement } from '../../../src/mkv/writer.js';
import {
  checkTracksFor,
  demuxFragment,
  describeTracks,
  PackagingError,
  buildInitSegment,
  type PackagedTrack,
} from '../../../src/packaging/index.js';
import { mp4boxParse } from './probe.js';
import { storedMedia } from './stored-media.js';

function header(...entries: { number: number; type: number; codec: string; priv?: Uint8Array }[]): {
  segmentHeader: Uint8Array;
} {
  const tracks = writeElement(
    EbmlId.Tracks,
    entries.map((e) =>
      writeElement(EbmlId.TrackEntry, [
        uintElement(EbmlId.TrackNumber, e.number),
        uintElement(EbmlId.TrackType, e.type),
        stringElement(EbmlId.CodecID, e.codec),
        ...(e.priv ? [writeElement(EbmlId.CodecPrivate, e.priv)] : []),
      ]),
    ),
  );
  return {
    segmentHeader: concatBytes([writeElement(EbmlId.Info, [uintElement(EbmlId.TimecodeScale, 1e6)]), tracks]),
  };
}

const refusal = (exception: string) => (e: unknown) =>
  e instanceof PackagingError && e.exception === exception;

test('codec strings match what mp4box.js derives from the same init segment', () => {
  const expected: Record<string, string[]> = {
    'h264-aac': ['avc1.42c00d', 'mp4a.40.2'],
    'h264-bframes-aac': ['avc1.64000d', 'mp4a.40.2'],
    'h265-aac': [],
    'h264-alaw': [],
  };
  for (const name of Object.keys(expected)) {
    const set = describeTracks(storedMedia(`${name}.mkv`).header);
    const report = mp4boxParse(buildInitSegment(set.tracks));
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      set.tracks.map((t) => t.codecString),
      report.tracks.map((t) => t.codec),
      name,
    );
    if (expected[name]!.length > 0)
      assert.deepEqual(
        set.tracks.map((t) => t.codecString),
        expected[name],
      );
  }
  const hevc = describeTracks(storedMedia('h265-aac.mkv').header).tracks[0]!;
  assert.match(hevc.codecString, /^hvc1\.1\.6\.L\d+\.[0-9A-F]+/);
  assert.equal(hevc.width, 320);
  assert.equal(hevc.height, 240);
});

test('unsupported, missing and invalid codec private data are refused with KVS exceptions', () => {
  assert.throws(
    () => describeTracks(header({ number: 1, type: 1, codec: 'V_VP8' })),
    refusal('UnsupportedStreamMediaTypeException'),
  );
  assert.throws(
    () => describeTracks(header({ number: 1, type: 1, codec: 'V_MPEG4/ISO/AVC' })),
    refusal('MissingCodecPrivateDataException'),
  );
  assert.throws(
    () =>
      describeTracks(
        header({ number: 1, type: 1, codec: 'V_MPEG4/ISO/AVC', priv: Uint8Array.of(0, 0, 0, 1, 0x67) }),
      ),
    refusal('InvalidCodecPrivateDataException'),
  );
  assert.throws(
    () => describeTracks(header({ number: 1, type: 2, codec: 'A_AAC', priv: Uint8Array.of(0x12) })),
    refusal('InvalidCodecPrivateDataException'),
  );
  assert.throws(() => describeTracks(header()), refusal('UnsupportedStreamMediaTypeException'));
  // PCM (format tag 1) in A_MS/ACM is not G.711.
  const pcm = new Uint8Array(18);
  new DataView(pcm.buffer).setUint16(0, 1, true);
  assert.throws(
    () => describeTracks(header({ number: 1, type: 2, codec: 'A_MS/ACM', priv: pcm })),
    refusal('UnsupportedStreamMediaTypeException'),
  );
});

test('purpose rules follow the KVS track table: G.711 with H.264 only, µ-law for DASH only, AAC alone', () => {
  const refused = refusal('UnsupportedStreamMediaTypeException');
  const alaw = describeTracks(storedMedia('h264-alaw.mkv').header);
  assert.equal(checkTracksFor('clip', alaw).length, 2);
  assert.equal(checkTracksFor('dash', alaw).length, 2);
  assert.throws(() => checkTracksFor('hls-fmp4', alaw), refused);
  assert.throws(() => checkTracksFor('hls-ts', alaw), refused);
  const [video, audio] = alaw.tracks as [PackagedTrack, PackagedTrack];
  const mulaw = { ...alaw, tracks: [video, { ...audio, codec: 'mulaw' as const }] };
  assert.equal(checkTracksFor('dash', mulaw).length, 2);
  assert.throws(() => checkTracksFor('clip', mulaw), refused);
  const hevc = describeTracks(storedMedia('h265-aac.mkv').header);
  for (const purpose of ['clip', 'dash', 'hls-fmp4', 'hls-ts'] as const) {
    assert.equal(checkTracksFor(purpose, hevc).length, 2);
  }
  const hevcAlaw = { ...hevc, tracks: [hevc.tracks[0]!, audio] };
  assert.throws(() => checkTracksFor('clip', hevcAlaw), refused);
  const aac = describeTracks(storedMedia('h264-aac.mkv').header).tracks[1]!;
  const audioOnly = { tracks: [{ ...aac, trackNumber: 1 }], timecodeScaleNs: 1e6 };
  assert.equal(checkTracksFor('hls-fmp4', audioOnly).length, 1);
  assert.equal(checkTracksFor('dash', audioOnly).length, 1);
  assert.throws(() => checkTracksFor('clip', audioOnly), refused);
  const videoOnly = { ...alaw, tracks: [video] };
  assert.equal(checkTracksFor('clip', videoOnly).length, 1);
});

test('a malformed cluster is an InvalidMediaFrame', () => {
  const stored = storedMedia('h264-aac.mkv');
  const set = describeTracks(stored.header);
  const bytes = stored.fragments[0]!.bytes.slice(0, 40);
  assert.throws(() => demuxFragment(set, bytes), refusal('InvalidMediaFrameException'));
  assert.throws(() => demuxFragment(set, Uint8Array.of(1, 2, 3)), refusal('InvalidMediaFrameException'));
});
