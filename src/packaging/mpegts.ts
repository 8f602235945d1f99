/**
 * MPEG-TS segments (ISO/IEC 13818-1) for HLS ContainerFormat=MPEG_TS: one segment per KVS fragment.
 *
 * Owns: PAT/PMT with CRC-32, PES packets with PTS/DTS (90 kHz, 33-bit wrap), PCR on the video PID,
 * continuity counters, AVCC/HVCC → Annex B with an access unit delimiter and the parameter sets before
 * every key frame (so each segment decodes alone), and ADTS framing for AAC (ISO/IEC 14496-3 §1.A.2).
 * Must not know: playlists, sessions, storage.
 *
 * Continuity counters start at 0 in every segment: segments are packaged independently and cached,
 * and HLS players reset their demuxer per segment; within a segment they are continuous per PID.
 */
import { parseAudioSpecificConfig, parseAvcC, parseHvcC, type VideoConfig } from './codec-config.js';
import { PackagingError } from './errors.js';
import type { DemuxedFragment, PackagedTrack, Sample } from './types.js';

const PACKET = 188;
const PID_PMT = 0x1000;
const PID_FIRST_ES = 0x100;
const WRAP = 2 ** 33;
// How far PCR runs ahead of the first DTS it precedes, in 90 kHz ticks (decoder buffering margin).
const PCR_LEAD = 0;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32/MPEG-2 of PSI sections (ISO/IEC 13818-1 Annex A). */
function crc32(data: Uint8Array, start: number, end: number): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]!) & 0xff]!) >>> 0;
  return crc;
}

interface Elementary {
  track: PackagedTrack;
  pid: number;
  streamType: number;
  streamId: number;
  cc: number;
  video?: VideoConfig;
  adts?: Uint8Array;
}

function elementaryFor(track: PackagedTrack, pid: number): Elementary {
  if (track.codec === 'h264' || track.codec === 'h265') {
    const h265 = track.codec === 'h265';
    return {
      track,
      pid,
      streamType: h265 ? 0x24 : 0x1b,
      streamId: 0xe0,
      cc: 0,
      video: h265 ? parseHvcC(track.codecPrivate) : parseAvcC(track.codecPrivate),
    };
  }
  if (track.codec === 'aac') {
    const aac = parseAudioSpecificConfig(track.codecPrivate);
    // ADTS header template: MPEG-4, no CRC; profile = object type − 1 (only 1..4 fit ADTS).
    const h = new Uint8Array(7);
    h[0] = 0xff;
    h[1] = 0xf1;
    h[2] = (((aac.objectType - 1) & 3) << 6) | (aac.frequencyIndex << 2) | ((aac.channels >> 2) & 1);
    h[3] = (aac.channels & 3) << 6;
    h[6] = 0xfc;
    return { track, pid, streamType: 0x0f, streamId: 0xc0, cc: 0, adts: h };
  }
  throw new PackagingError('UnsupportedStreamMediaType', `${track.codec} audio cannot be carried in MPEG-TS`);
}

/** A growing buffer of whole 188-byte TS packets. */
class PacketWriter {
  out: Uint8Array;
  pos = 0;
  constructor(capacity: number) {
    // Not zero-filled: every packet is written whole (header, adaptation field or stuffing, payload).
    this.out = Buffer.allocUnsafeSlow(Math.ceil(capacity / PACKET) * PACKET || PACKET);
  }
  #grow(): void {
    const next = Buffer.allocUnsafeSlow(this.out.length * 2);
    next.set(this.out);
    this.out = next;
  }
  /** Starts a packet; returns its offset. */
  packet(): number {
    if (this.pos + PACKET > this.out.length) this.#grow();
    const at = this.pos;
    this.pos += PACKET;
    return at;
  }
}

function writePsi(w: PacketWriter, pid: number, cc: number, section: Uint8Array): void {
  const p = w.packet();
  const o = w.out;
  o[p] = 0x47;
  o[p + 1] = 0x40 | (pid >> 8);
  o[p + 2] = pid & 0xff;
  o[p + 3] = 0x10 | (cc & 0xf);
  o[p + 4] = 0; // pointer_field
  o.set(section, p + 5);
  const crc = crc32(section, 0, section.length);
  let q = p + 5 + section.length;
  o[q++] = crc >>> 24;
  o[q++] = (crc >>> 16) & 0xff;
  o[q++] = (crc >>> 8) & 0xff;
  o[q++] = crc & 0xff;
  o.fill(0xff, q, p + PACKET);
}

function pat(): Uint8Array {
  // table_id 0, section_length 13, transport_stream_id 1, version 0 current, program 1 → PMT PID.
  return Uint8Array.of(0x00, 0xb0, 13, 0, 1, 0xc1, 0, 0, 0, 1, 0xe0 | (PID_PMT >> 8), PID_PMT & 0xff);
}

function pmt(es: Elementary[], pcrPid: number): Uint8Array {
  const len = 9 + 5 * es.length + 4;
  const s = new Uint8Array(3 + len - 4);
  s.set([
    0x02,
    0xb0 | (len >> 8),
    len & 0xff,
    0,
    1,
    0xc1,
    0,
    0,
    0xe0 | (pcrPid >> 8),
    pcrPid & 0xff,
    0xf0,
    0,
  ]);
  let p = 12;
  for (const e of es) {
    s.set([e.streamType, 0xe0 | (e.pid >> 8), e.pid & 0xff, 0xf0, 0], p);
    p += 5;
  }
  return s;
}

function writeTimestamp(o: Uint8Array, p: number, marker: number, t: number): void {
  const v = ((t % WRAP) + WRAP) % WRAP;
  const hi = Math.floor(v / 2 ** 30);
  const mid = Math.floor(v / 2 ** 15) & 0x7fff;
  const lo = v & 0x7fff;
  o[p] = (marker << 4) | (hi << 1) | 1;
  o[p + 1] = mid >> 7;
  o[p + 2] = ((mid & 0x7f) << 1) | 1;
  o[p + 3] = lo >> 7;
  o[p + 4] = ((lo & 0x7f) << 1) | 1;
}

const START_CODE = Uint8Array.of(0, 0, 0, 1);
const AUD_H264 = Uint8Array.of(0, 0, 0, 1, 0x09, 0xf0);
const AUD_H265 = Uint8Array.of(0, 0, 0, 1, 0x46, 0x01, 0x50);

/** The PES payload pieces of one sample (views, plus a few constants). */
function payloadPieces(e: Elementary, s: Sample): Uint8Array[] {
  if (e.adts) {
    const h = e.adts.slice();
    const len = s.data.length + 7;
    h[3] = (h[3]! & 0xfc) | (len >> 11);
    h[4] = (len >> 3) & 0xff;
    h[5] = ((len & 7) << 5) | 0x1f;
    return [h, s.data];
  }
  const v = e.video!;
  const h265 = e.track.codec === 'h265';
  const pieces: Uint8Array[] = [h265 ? AUD_H265 : AUD_H264];
  if (s.keyframe) for (const ps of v.parameterSets) pieces.push(START_CODE, ps);
  const d = s.data;
  for (let p = 0; p < d.length;) {
    let len = 0;
    for (let i = 0; i < v.nalLengthSize; i++) len = len * 256 + d[p + i]!;
    p += v.nalLengthSize;
    if (len === 0 || p + len > d.length) {
      throw new PackagingError('InvalidMediaFrame', 'NAL unit length exceeds the frame');
    }
    const type = h265 ? (d[p]! >> 1) & 0x3f : d[p]! & 0x1f;
    if (type !== (h265 ? 35 : 9)) pieces.push(START_CODE, d.subarray(p, p + len)); // our AUD replaces theirs
    p += len;
  }
  return pieces;
}

function writePes(w: PacketWriter, e: Elementary, s: Sample, pcr: number | undefined): void {
  const pieces = payloadPieces(e, s);
  const withDts = e.video !== undefined && s.dts !== s.pts;
  const headerLen = 9 + (withDts ? 10 : 5);
  let payloadLen = 0;
  for (const piece of pieces) payloadLen += piece.length;
  const header = new Uint8Array(headerLen);
  const pesLen = headerLen - 6 + payloadLen;
  header.set([0, 0, 1, e.streamId]);
  // Video PES may leave PES_packet_length 0 (unbounded, ISO/IEC 13818-1 §2.4.3.7).
  const lenField = e.video || pesLen > 0xffff ? 0 : pesLen;
  header[4] = lenField >> 8;
  header[5] = lenField & 0xff;
  header[6] = 0x80;
  header[7] = withDts ? 0xc0 : 0x80;
  header[8] = withDts ? 10 : 5;
  writeTimestamp(header, 9, withDts ? 3 : 2, s.pts);
  if (withDts) writeTimestamp(header, 14, 1, s.dts);
  pieces.unshift(header);
  packetize(w, e, pieces, headerLen + payloadLen, pcr, s.keyframe && e.video !== undefined);
}

/**
 * Splits one PES, given as pieces (header, start codes, NAL units as views), into TS packets,
 * copying each byte once, straight into the segment buffer.
 */
function packetize(
  w: PacketWriter,
  e: Elementary,
  pieces: Uint8Array[],
  total: number,
  pcr: number | undefined,
  rai: boolean,
): void {
  let remaining = total;
  let piece = 0;
  let pieceOff = 0;
  let first = true;
  while (remaining > 0) {
    const p = w.packet();
    const o = w.out;
    // Adaptation field: PCR and random access on the first packet, stuffing on the last.
    let af = 0;
    const needPcr = first && pcr !== undefined;
    if (needPcr) af = 8;
    else if (first && rai) af = 2;
    let room = PACKET - 4 - af;
    if (remaining < room) {
      af = af === 0 ? PACKET - 4 - remaining : af + (room - remaining);
      room = remaining;
    }
    o[p] = 0x47;
    o[p + 1] = (first ? 0x40 : 0) | (e.pid >> 8);
    o[p + 2] = e.pid & 0xff;
    o[p + 3] = (af > 0 ? 0x30 : 0x10) | (e.cc & 0xf);
    e.cc = (e.cc + 1) & 0xf;
    let h = p + 4;
    if (af > 0) {
      o[h] = af - 1; // adaptation_field_length
      if (af > 1) {
        o[h + 1] = (needPcr ? 0x10 : 0) | (first && rai ? 0x40 : 0);
        let f = h + 2;
        if (needPcr) {
          const base = ((pcr! % WRAP) + WRAP) % WRAP;
          o[f] = Math.floor(base / 2 ** 25) & 0xff;
          o[f + 1] = Math.floor(base / 2 ** 17) & 0xff;
          o[f + 2] = Math.floor(base / 2 ** 9) & 0xff;
          o[f + 3] = Math.floor(base / 2) & 0xff;
          o[f + 4] = ((base & 1) << 7) | 0x7e;
          o[f + 5] = 0;
          f += 6;
        }
        o.fill(0xff, f, h + af);
      }
      h += af;
    }
    remaining -= room;
    while (room > 0) {
      const src = pieces[piece]!;
      const take = Math.min(room, src.length - pieceOff);
      o.set(take === src.length ? src : src.subarray(pieceOff, pieceOff + take), h);
      h += take;
      room -= take;
      pieceOff += take;
      if (pieceOff === src.length) {
        piece++;
        pieceOff = 0;
      }
    }
    first = false;
  }
}

export function buildTsSegment(
  tracks: readonly PackagedTrack[],
  fragment: DemuxedFragment,
  sequenceNumber: number,
): Uint8Array {
  void sequenceNumber; // see the module comment on continuity counters
  const es = tracks.map((t, i) => elementaryFor(t, PID_FIRST_ES + i));
  const pcrEs = es.find((e) => e.video) ?? es[0]!;
  // Interleave by decode time (in seconds), so the buffers of both decoders fill evenly.
  const queue: { e: Elementary; s: Sample; t: number }[] = [];
  let bytes = 0;
  for (const e of es) {
    for (const s of fragment.samples.get(e.track.trackNumber) ?? []) {
      queue.push({ e, s, t: s.dts / e.track.timescale });
      bytes += s.data.length;
    }
  }
  queue.sort((a, b) => a.t - b.t);
  const w = new PacketWriter(bytes * 1.1 + PACKET * (4 + queue.length * 2));
  writePsi(w, 0, 0, pat());
  writePsi(w, PID_PMT, 0, pmt(es, pcrEs.pid));
  for (const { e, s } of queue) {
    const toTs = (t: number): number => Math.round((t * 90000) / e.track.timescale);
    const sample = e.track.timescale === 90000 ? s : { ...s, pts: toTs(s.pts), dts: toTs(s.dts) };
    writePes(w, e, sample, e === pcrEs ? sample.dts - PCR_LEAD : undefined);
  }
  return w.out.subarray(0, w.pos);
}
