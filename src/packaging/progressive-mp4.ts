/**
 * Progressive (non-fragmented) MP4 for GetClip (spec §7.3): ftyp, moov with complete sample tables,
 * then one mdat, so a plain player or editor opens it.
 *
 * Owns: the two-pass layout that lets GetClip stream the file with the moov in front without holding
 * the media in memory: pass 1 add()s each fragment (only sample metadata is kept: a few numbers per
 * sample), header() writes ftyp + moov + the mdat header with chunk offsets known, pass 2 payload()s
 * hand out each fragment's sample bytes as views in the same order. One chunk per (fragment, track).
 * Decode times come from demux (timing.ts); stts is their differences, so gaps between fragments are
 * kept; an edit list aligns the tracks' first presentation times. Must not know: storage or HTTP.
 */
import { BoxWriter } from './box-writer.js';
import { MOVIE_TIMESCALE, writeFtyp, writeMvhd, writeTrak } from './movie-boxes.js';
import type { DemuxedFragment, PackagedTrack } from './types.js';

interface Table {
  track: PackagedTrack;
  sizes: number[];
  dts: number[];
  pts: number[];
  lastDuration: number;
  sync: number[];
  /** Per chunk: offset in the mdat payload and sample count. */
  chunkOffsets: number[];
  chunkCounts: number[];
}

/** Run-length pairs of equal consecutive values. */
function runs(values: readonly number[]): [count: number, value: number][] {
  const out: [number, number][] = [];
  for (const v of values) {
    const last = out[out.length - 1];
    if (last && last[1] === v) last[0]++;
    else out.push([1, v]);
  }
  return out;
}

/** min/max without spreading (sample lists can be long). */
function extreme(values: readonly number[], pick: (a: number, b: number) => number): number {
  let v = values[0]!;
  for (let i = 1; i < values.length; i++) v = pick(v, values[i]!);
  return v;
}

export class ProgressiveMp4Writer {
  readonly #tables: Table[];
  #mdatSize = 0;
  #header: Uint8Array | undefined;

  constructor(tracks: readonly PackagedTrack[]) {
    this.#tables = tracks.map((track) => ({
      track,
      sizes: [],
      dts: [],
      pts: [],
      lastDuration: 0,
      sync: [],
      chunkOffsets: [],
      chunkCounts: [],
    }));
  }

  /** Bytes of sample data added so far (the mdat payload). */
  get mediaBytes(): number {
    return this.#mdatSize;
  }

  /** Pass 1: records the fragment's samples; returns the mdat bytes it adds. */
  add(fragment: DemuxedFragment): number {
    if (this.#header) throw new Error('ProgressiveMp4Writer.add() after header()');
    let added = 0;
    for (const t of this.#tables) {
      const samples = fragment.samples.get(t.track.trackNumber) ?? [];
      if (samples.length === 0) continue;
      t.chunkOffsets.push(this.#mdatSize + added);
      t.chunkCounts.push(samples.length);
      for (const s of samples) {
        t.sizes.push(s.data.length);
        t.dts.push(s.dts);
        t.pts.push(s.pts);
        if (s.keyframe) t.sync.push(t.sizes.length);
        added += s.data.length;
      }
      t.lastDuration = samples[samples.length - 1]!.duration;
    }
    this.#mdatSize += added;
    return added;
  }

  /** ftyp + moov + mdat header; call after every add(). */
  header(): Uint8Array {
    if (this.#header) return this.#header;
    const mdatHeader = this.#mdatSize + 8 > 0xffffffff ? 16 : 8;
    // Chunk offsets depend on the header length, whose size does not depend on their values.
    const draft = this.#build(0, mdatHeader);
    // #build(n) places the media at byte n: the draft's length is ftyp + moov + mdat header.
    this.#header = this.#build(draft.length, mdatHeader);
    return this.#header;
  }

  /** Pass 2: the fragment's sample bytes (views), in the order add() counted them. */
  payload(fragment: DemuxedFragment): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const t of this.#tables)
      for (const s of fragment.samples.get(t.track.trackNumber) ?? []) out.push(s.data);
    return out;
  }

  #build(headerLength: number, mdatHeader: number): Uint8Array {
    const used = this.#tables.filter((t) => t.sizes.length > 0);
    const samples = used.reduce((n, t) => n + t.sizes.length, 0);
    const w = new BoxWriter(1024 + 20 * samples + used.reduce((n, t) => n + t.track.codecPrivate.length, 0));
    writeFtyp(w, 'isom', ['isom', 'iso2', 'avc1', 'mp41']);
    const firstShown = (t: Table): number => (extreme(t.pts, Math.min) / t.track.timescale) * 1000;
    const originMs = Math.min(...used.map(firstShown));
    const spans = used.map((t) => {
      const ts = t.track.timescale;
      const minPts = extreme(t.pts, Math.min);
      const end = t.dts[t.dts.length - 1]! + t.lastDuration;
      return {
        emptyMs: firstShown(t) - originMs,
        mediaTime: minPts - t.dts[0]!,
        durationMs: (Math.max(end, extreme(t.pts, Math.max)) - minPts) * (MOVIE_TIMESCALE / ts),
        mediaDuration: end - t.dts[0]!,
      };
    });
    const movieMs = Math.max(0, ...spans.map((s) => s.emptyMs + s.durationMs));
    const moov = w.open('moov');
    writeMvhd(w, movieMs, Math.max(0, ...this.#tables.map((t) => t.track.trackNumber)) + 1);
    const base = headerLength;
    // Decided from the media size alone (with room for any moov), so draft and final agree.
    const co64 = this.#mdatSize + 2 ** 26 > 0xffffffff;
    used.forEach((t, i) => {
      const span = spans[i]!;
      writeTrak(w, t.track, {
        durationMs: span.emptyMs + span.durationMs,
        mediaDuration: span.mediaDuration,
        edit: span,
        sampleTables: (b) => writeSampleTables(b, t, base, co64),
      });
    });
    w.close(moov);
    if (mdatHeader === 16)
      w.u32(1)
        .fourcc('mdat')
        .u64(this.#mdatSize + 16);
    else w.u32(this.#mdatSize + 8).fourcc('mdat');
    return new Uint8Array(w.finish()); // a right-sized copy
  }
}

function writeSampleTables(w: BoxWriter, t: Table, base: number, co64: boolean): void {
  const n = t.sizes.length;
  // Decode deltas; a later fragment that starts before the previous one ended gets 1 tick (stts
  // cannot go backwards), which only happens across producer sessions with overlapping clocks.
  const deltas = new Array<number>(n);
  for (let i = 0; i + 1 < n; i++) deltas[i] = Math.max(1, t.dts[i + 1]! - t.dts[i]!);
  deltas[n - 1] = Math.max(1, t.lastDuration);
  const stts = w.openFull('stts', 0, 0);
  const sttsRuns = runs(deltas);
  w.u32(sttsRuns.length);
  for (const [count, delta] of sttsRuns) w.u32(count).u32(delta);
  w.close(stts);
  const offsets = t.pts.map((p, i) => p - t.dts[i]!);
  if (offsets.some((o) => o !== 0)) {
    const ctts = w.openFull('ctts', 1, 0); // version 1: signed offsets
    const cttsRuns = runs(offsets);
    w.u32(cttsRuns.length);
    for (const [count, offset] of cttsRuns) w.u32(count).i32(offset);
    w.close(ctts);
  }
  if (t.sync.length < n) {
    const stss = w.openFull('stss', 0, 0);
    w.u32(t.sync.length);
    for (const s of t.sync) w.u32(s);
    w.close(stss);
  }
  const stsc = w.openFull('stsc', 0, 0);
  const entries: [firstChunk: number, count: number][] = [];
  t.chunkCounts.forEach((count, i) => {
    if (entries[entries.length - 1]?.[1] !== count) entries.push([i + 1, count]);
  });
  w.u32(entries.length);
  for (const [first, count] of entries) w.u32(first).u32(count).u32(1);
  w.close(stsc);
  const stsz = w.openFull('stsz', 0, 0);
  w.u32(0).u32(n);
  for (const s of t.sizes) w.u32(s);
  w.close(stsz);
  const stco = w.openFull(co64 ? 'co64' : 'stco', 0, 0);
  w.u32(t.chunkOffsets.length);
  for (const o of t.chunkOffsets) {
    if (co64) w.u64(base + o);
    else w.u32(base + o);
  }
  w.close(stco);
}
