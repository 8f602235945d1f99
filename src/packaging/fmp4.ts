/**
 * Fragmented MP4 (ISO/IEC 14496-12 §8.8, the CMAF-style layout HLS and DASH players read): the init
 * segment (ftyp + moov with empty sample tables + mvex) and one media segment per KVS fragment
 * (styp + moof + mdat).
 *
 * Owns: moof layout: mfhd sequence number, tfhd default-base-is-moof, tfdt = absolute decode time so
 * every fragment stands alone, trun v1 with per-sample duration, size, flags and signed composition
 * offset. Must not know: playlists, sessions, storage.
 */
import { BoxWriter } from './box-writer.js';
import { writeFtyp, writeMvhd, writeTrak } from './movie-boxes.js';
import type { DemuxedFragment, PackagedTrack, Sample } from './types.js';

// ISO/IEC 14496-12 §8.8.3.1 sample flags: sample_depends_on (2 = no other), sample_is_non_sync_sample.
const SYNC_FLAGS = 0x02000000;
const NON_SYNC_FLAGS = 0x01010000;

export function buildInitSegment(tracks: readonly PackagedTrack[]): Uint8Array {
  const w = new BoxWriter(1024 + tracks.reduce((n, t) => n + t.codecPrivate.length, 0));
  writeFtyp(w, 'iso5', ['iso5', 'iso6', 'mp41']);
  const moov = w.open('moov');
  writeMvhd(w, 0, Math.max(...tracks.map((t) => t.trackNumber)) + 1);
  for (const track of tracks) {
    writeTrak(w, track, {
      durationMs: 0,
      mediaDuration: 0,
      sampleTables: (t) => {
        t.fullBox('stts', 0, 0, 0)
          .fullBox('stsc', 0, 0, 0)
          .fullBox('stsz', 0, 0, 0, 0)
          .fullBox('stco', 0, 0, 0);
      },
    });
  }
  const mvex = w.open('mvex');
  for (const track of tracks) {
    const trex = w.openFull('trex', 0, 0);
    w.u32(track.trackNumber).u32(1).u32(0).u32(0).u32(0);
    w.close(trex);
  }
  w.close(mvex);
  w.close(moov);
  return w.finish();
}

export function buildMediaSegment(
  tracks: readonly PackagedTrack[],
  fragment: DemuxedFragment,
  sequenceNumber: number,
): Uint8Array {
  const runs: { track: PackagedTrack; samples: Sample[] }[] = [];
  let payload = 0;
  for (const track of tracks) {
    const samples = fragment.samples.get(track.trackNumber) ?? [];
    runs.push({ track, samples });
    for (const s of samples) payload += s.data.length;
  }
  const sampleCount = runs.reduce((n, r) => n + r.samples.length, 0);
  const w = new BoxWriter(256 + 100 * tracks.length + 16 * sampleCount + payload);
  writeFtyp(w, 'msdh', ['msdh', 'msix'], 'styp');
  const moofStart = w.pos;
  const moof = w.open('moof');
  const mfhd = w.openFull('mfhd', 0, 0);
  w.u32(sequenceNumber);
  w.close(mfhd);
  const offsets: number[] = [];
  for (const { track, samples } of runs) {
    const traf = w.open('traf');
    const tfhd = w.openFull('tfhd', 0, 0x020000); // default-base-is-moof
    w.u32(track.trackNumber);
    w.close(tfhd);
    const first = samples[0];
    const baseTime = first ? first.dts : 0;
    if (baseTime < 0)
      throw new RangeError(`negative decode time ${baseTime}: pass DemuxOptions.clusterTimeMs`);
    const tfdt = w.openFull('tfdt', 1, 0);
    w.u64(baseTime);
    w.close(tfdt);
    const video = track.kind === 'video';
    // data-offset, sample duration, size, flags, and composition offsets for video.
    const trun = w.openFull(
      'trun',
      video ? 1 : 0,
      0x000001 | 0x000100 | 0x000200 | 0x000400 | (video ? 0x800 : 0),
    );
    w.u32(samples.length);
    offsets.push(w.pos);
    w.u32(0);
    for (const s of samples) {
      w.u32(s.duration)
        .u32(s.data.length)
        .u32(s.keyframe ? SYNC_FLAGS : NON_SYNC_FLAGS);
      if (video) w.i32(s.pts - s.dts);
    }
    w.close(trun);
    w.close(traf);
  }
  w.close(moof);
  const mdatHeader = 8;
  let dataAt = w.pos + mdatHeader;
  runs.forEach(({ samples }, i) => {
    w.patchU32(offsets[i]!, dataAt - moofStart);
    for (const s of samples) dataAt += s.data.length;
  });
  const mdat = w.open('mdat');
  for (const { samples } of runs) for (const s of samples) w.bytes(s.data);
  w.close(mdat);
  return w.finish();
}
