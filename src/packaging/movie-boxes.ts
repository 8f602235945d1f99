/**
 * The ISO BMFF boxes fMP4 init segments and progressive MP4 share: ftyp, mvhd, trak (tkhd, edts, mdia,
 * hdlr, minf, stsd) and the sample entries avc1/hvc1 (ISO/IEC 14496-15), mp4a + esds (ISO/IEC 14496-14
 * §5.6) and alaw/ulaw (QuickTime sound sample description, read by ffmpeg and browsers' MP4 demuxers).
 *
 * Owns: the byte layout of these boxes. Must not know: samples or fragments (callers pass the sample
 * table writer and durations).
 */
import type { BoxWriter } from './box-writer.js';
import { parseAudioSpecificConfig } from './codec-config.js';
import type { PackagedTrack } from './types.js';

/** Movie timescale of mvhd/tkhd/elst: milliseconds. */
export const MOVIE_TIMESCALE = 1000;

const MATRIX = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];

/** ftyp, or styp with the same layout (ISO/IEC 14496-12 §8.16.2) when `box` says so. */
export function writeFtyp(w: BoxWriter, major: string, compatible: readonly string[], box = 'ftyp'): void {
  const b = w.open(box);
  w.fourcc(major).u32(512);
  for (const c of compatible) w.fourcc(c);
  w.close(b);
}

export function writeMvhd(w: BoxWriter, durationMs: number, nextTrackId: number): void {
  const b = w.openFull('mvhd', 1, 0);
  w.u64(0)
    .u64(0)
    .u32(MOVIE_TIMESCALE)
    .u64(Math.max(0, Math.round(durationMs)));
  w.u32(0x10000).u16(0x100).zeros(10);
  for (const m of MATRIX) w.u32(m);
  w.zeros(24).u32(nextTrackId);
  w.close(b);
}

export interface TrakOptions {
  /** Track duration in movie timescale (tkhd); 0 for fragmented files. */
  durationMs: number;
  /** Media duration in the track timescale (mdhd). */
  mediaDuration: number;
  /** Edit list, if any: an empty edit first (ms), then the media starting at `mediaTime` ticks. */
  edit?: { emptyMs: number; mediaTime: number; durationMs: number };
  /** Writes the sample table boxes after stsd (stts, stsc, stsz, stco, …). */
  sampleTables: (w: BoxWriter) => void;
}

export function writeTrak(w: BoxWriter, track: PackagedTrack, o: TrakOptions): void {
  const video = track.kind === 'video';
  const trak = w.open('trak');
  const tkhd = w.openFull('tkhd', 1, 3); // enabled | in movie
  w.u64(0)
    .u64(0)
    .u32(track.trackNumber)
    .u32(0)
    .u64(Math.max(0, Math.round(o.durationMs)));
  w.zeros(8)
    .u16(0)
    .u16(video ? 0 : 1)
    .u16(video ? 0 : 0x100)
    .u16(0);
  for (const m of MATRIX) w.u32(m);
  w.u32((track.width ?? 0) * 0x10000).u32((track.height ?? 0) * 0x10000);
  w.close(tkhd);
  if (o.edit) {
    const edts = w.open('edts');
    const elst = w.openFull('elst', 1, 0);
    const entries = o.edit.emptyMs > 0 ? 2 : 1;
    w.u32(entries);
    if (o.edit.emptyMs > 0) w.u64(Math.round(o.edit.emptyMs)).u32(0xffffffff).u32(0xffffffff).u32(0x10000);
    w.u64(Math.max(0, Math.round(o.edit.durationMs)))
      .u64(o.edit.mediaTime)
      .u32(0x10000);
    w.close(elst);
    w.close(edts);
  }
  const mdia = w.open('mdia');
  const mdhd = w.openFull('mdhd', 1, 0);
  w.u64(0).u64(0).u32(track.timescale).u64(Math.max(0, o.mediaDuration));
  w.u16(0x55c4).u16(0); // language "und"
  w.close(mdhd);
  const hdlr = w.openFull('hdlr', 0, 0);
  w.u32(0)
    .fourcc(video ? 'vide' : 'soun')
    .zeros(12);
  w.bytes(new TextEncoder().encode(video ? 'VideoHandler\0' : 'SoundHandler\0'));
  w.close(hdlr);
  const minf = w.open('minf');
  const mhd = w.openFull(video ? 'vmhd' : 'smhd', 0, video ? 1 : 0);
  w.zeros(video ? 8 : 4); // graphicsmode + opcolor / balance + reserved
  w.close(mhd);
  const dinf = w.open('dinf');
  const dref = w.openFull('dref', 0, 0);
  w.u32(1);
  w.close(w.openFull('url ', 0, 1));
  w.close(dref);
  w.close(dinf);
  const stbl = w.open('stbl');
  writeStsd(w, track);
  o.sampleTables(w);
  w.close(stbl);
  w.close(minf);
  w.close(mdia);
  w.close(trak);
}

function writeStsd(w: BoxWriter, track: PackagedTrack): void {
  const stsd = w.openFull('stsd', 0, 0);
  w.u32(1);
  if (track.kind === 'video') {
    const entry = w.open(track.codec === 'h265' ? 'hvc1' : 'avc1');
    w.zeros(6).u16(1); // reserved, data_reference_index
    w.zeros(16)
      .u16(track.width ?? 0)
      .u16(track.height ?? 0);
    w.u32(0x480000).u32(0x480000).u32(0).u16(1);
    w.zeros(32).u16(0x18).u16(0xffff); // compressorname, depth, pre_defined = -1
    const cfg = w.open(track.codec === 'h265' ? 'hvcC' : 'avcC');
    w.bytes(track.codecPrivate);
    w.close(cfg);
    w.close(entry);
  } else if (track.codec === 'aac') {
    const entry = w.open('mp4a');
    writeAudioEntryFields(w, track, 16);
    writeEsds(w, track);
    w.close(entry);
  } else {
    // G.711: one byte per sample and channel (8-bit companded).
    const entry = w.open(track.codec === 'alaw' ? 'alaw' : 'ulaw');
    writeAudioEntryFields(w, track, 16);
    w.close(entry);
  }
  w.close(stsd);
}

function writeAudioEntryFields(w: BoxWriter, track: PackagedTrack, sampleSize: number): void {
  w.zeros(6).u16(1).zeros(8);
  w.u16(track.channels ?? 2)
    .u16(sampleSize)
    .u32(0);
  // samplerate is 16.16 fixed point; rates ≥ 65536 Hz do not fit (not an AAC/G.711 concern here).
  w.u32(((track.sampleRate ?? track.timescale) & 0xffff) * 0x10000);
}

/** Descriptor header with a one-byte size when it fits (ISO/IEC 14496-1 §8.3.3). */
function descriptor(w: BoxWriter, tag: number, size: number): void {
  w.u8(tag);
  if (size < 0x80) w.u8(size);
  else
    w.u8(0x80 | (size >> 21))
      .u8(0x80 | ((size >> 14) & 0x7f))
      .u8(0x80 | ((size >> 7) & 0x7f))
      .u8(size & 0x7f);
}
const descSize = (payload: number): number => payload + (payload < 0x80 ? 2 : 5);

function writeEsds(w: BoxWriter, track: PackagedTrack): void {
  const asc = track.codecPrivate;
  parseAudioSpecificConfig(asc); // validated again: esds must carry a well-formed config
  const esds = w.openFull('esds', 0, 0);
  const dsi = descSize(asc.length);
  const dcd = descSize(13 + dsi);
  const es = 3 + dcd + descSize(1);
  descriptor(w, 0x03, es);
  w.u16(track.trackNumber).u8(0);
  descriptor(w, 0x04, 13 + dsi);
  w.u8(0x40).u8(0x15).u24(0).u32(0).u32(0); // MPEG-4 audio, AudioStream; buffer/bitrates unknown
  descriptor(w, 0x05, asc.length);
  w.bytes(asc);
  descriptor(w, 0x06, 1);
  w.u8(0x02);
  w.close(esds);
}
