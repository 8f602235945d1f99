/**
 * Shared helpers for the src/mkv tests: fixture loading, stream builders (via the writer), running the
 * ingest parser over a split input, event normalisation, and an independent cluster scanner that does
 * not use src/mkv so fixture expectations are not derived from the code under test.
 */
import { readFileSync } from 'node:fs';

import { EbmlId } from '../../../src/mkv/ids.js';
import { ebmlHeader } from '../../helpers/mkv-stream.js';
import {
  MkvIngestParser,
  type MkvEvent,
  type MkvIngestParserOptions,
} from '../../../src/mkv/ingest-parser.js';
import { buildTags, concatBytes, stringElement, uintElement, writeElement } from '../../../src/mkv/writer.js';

export const FIXTURES = ['h264-aac', 'h264-only', 'ffmpeg-default-live'] as const;

/** dist/test/unit/mkv/ is four levels below the repository root. */
export function fixturePath(name: string): URL {
  return new URL(`../../../../test/fixtures/media/${name}.mkv`, import.meta.url);
}

/** A fixture as a plain Uint8Array (not a Buffer, so deepStrictEqual compares like with like). */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

/** Feeds `input` in chunks of the given sizes (cycled; default: one chunk), then ends. */
export function parseAll(
  input: Uint8Array,
  sizes: readonly number[] = [],
  options?: MkvIngestParserOptions,
): MkvEvent[] {
  const parser = new MkvIngestParser(options);
  const events: MkvEvent[] = [];
  if (sizes.length === 0) events.push(...parser.push(input));
  for (let off = 0, i = 0; sizes.length > 0 && off < input.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    events.push(...parser.push(input.subarray(off, off + size)));
    off += size;
  }
  events.push(...parser.end());
  return events;
}

/** Splits `input` at the given cut positions. */
export function splitAt(input: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const sorted = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), input.length)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...sorted, input.length]) {
    parts.push(input.subarray(prev, c));
    prev = c;
  }
  return parts;
}

export function parseParts(parts: readonly Uint8Array[], options?: MkvIngestParserOptions): MkvEvent[] {
  const parser = new MkvIngestParser(options);
  const events: MkvEvent[] = [];
  for (const p of parts) events.push(...parser.push(p));
  events.push(...parser.end());
  return events;
}

/**
 * Makes events comparable across chunkings: consecutive `bytes` are merged, and a merged run is placed
 * just before the next event that is neither `bytes` nor `block` (a `block` event may legitimately come
 * before or after the bytes that hold it, depending on where the input was split).
 */
export function normalize(events: readonly MkvEvent[]): MkvEvent[] {
  const out: MkvEvent[] = [];
  let run: Uint8Array[] = [];
  const flush = (): void => {
    if (run.length > 0) out.push({ type: 'bytes', data: concatBytes(run) });
    run = [];
  };
  for (const e of events) {
    if (e.type === 'bytes') run.push(e.data);
    else if (e.type === 'block') out.push(e);
    else {
      flush();
      out.push(e);
    }
  }
  flush();
  return out;
}

/** The bytes of each fragment: concatenated `bytes` between clusterStart and clusterEnd/truncated. */
export function fragments(
  events: readonly MkvEvent[],
): { timecode: number; bytes: Uint8Array; blocks: number }[] {
  const out: { timecode: number; bytes: Uint8Array; blocks: number }[] = [];
  let cur: { timecode: number; parts: Uint8Array[]; blocks: number } | undefined;
  for (const e of events) {
    if (e.type === 'clusterStart') cur = { timecode: e.timecode, parts: [], blocks: 0 };
    else if (e.type === 'bytes') cur?.parts.push(e.data);
    else if (e.type === 'block' && cur) cur.blocks++;
    else if ((e.type === 'clusterEnd' || e.type === 'truncated') && cur) {
      if (e.type === 'clusterEnd')
        out.push({ timecode: cur.timecode, bytes: concatBytes(cur.parts), blocks: cur.blocks });
      cur = undefined;
    }
  }
  return out;
}

export function types(events: readonly MkvEvent[]): string[] {
  return events.filter((e) => e.type !== 'bytes' && e.type !== 'block').map((e) => e.type);
}

// ---- independent scanner (no src/mkv code) -------------------------------------------------------

function vint(buf: Uint8Array, p: number, keepMarker: boolean): { v: number; n: number; ones: boolean } {
  const first = buf[p]!;
  let n = 1;
  while (n <= 8 && !(first & (0x100 >> n))) n++;
  let v = keepMarker ? first : first & (0xff >> n);
  let ones = (first & (0xff >> n)) === 0xff >> n;
  for (let i = 1; i < n; i++) {
    v = v * 256 + buf[p + i]!;
    ones &&= buf[p + i] === 0xff;
  }
  return { v, n, ones };
}

/**
 * Clusters of a single-Segment file whose Clusters have known sizes (true of the ffmpeg fixtures, as
 * `mkvinfo -a -z` shows): their offsets, Timecode values and number of SimpleBlocks.
 */
export function scanClusters(buf: Uint8Array): { offset: number; timecode: number; simpleBlocks: number }[] {
  const out: { offset: number; timecode: number; simpleBlocks: number }[] = [];
  let p = 0;
  const header = (at: number): { id: number; size: number | undefined; data: number } => {
    const id = vint(buf, at, true);
    const size = vint(buf, at + id.n, false);
    return { id: id.v, size: size.ones ? undefined : size.v, data: at + id.n + size.n };
  };
  const ebml = header(p);
  p = ebml.data + ebml.size!;
  const seg = header(p);
  p = seg.data;
  while (p < buf.length) {
    const h = header(p);
    const end = h.data + h.size!;
    if (h.id === 0x1f43b675) {
      const c = { offset: p, timecode: -1, simpleBlocks: 0 };
      for (let q = h.data; q < end;) {
        const ch = header(q);
        if (ch.id === 0xe7) {
          c.timecode = 0;
          for (let i = ch.data; i < ch.data + ch.size!; i++) c.timecode = c.timecode * 256 + buf[i]!;
        }
        if (ch.id === 0xa3) c.simpleBlocks++;
        q = ch.data + ch.size!;
      }
      out.push(c);
    }
    p = end;
  }
  return out;
}

// ---- stream builders --------------------------------------------------------------------------------

/** The EBML header every test stream uses (the shared test builder's). */
export const EBML_HEADER = ebmlHeader();

export const INFO = writeElement(EbmlId.Info, [
  uintElement(EbmlId.TimecodeScale, 1_000_000),
  stringElement(EbmlId.MuxingApp, 'kvideo-test'),
  stringElement(EbmlId.WritingApp, 'kvideo-test'),
]);

export const TRACKS = writeElement(EbmlId.Tracks, [
  writeElement(EbmlId.TrackEntry, [
    uintElement(EbmlId.TrackNumber, 1),
    uintElement(EbmlId.TrackUID, 1),
    uintElement(EbmlId.TrackType, 1),
    stringElement(EbmlId.CodecID, 'V_MPEG4/ISO/AVC'),
    writeElement(EbmlId.CodecPrivate, Uint8Array.of(1, 0x42, 0xc0, 0x1e, 0xff)),
  ]),
]);

/** SimpleBlock with a 1-byte track number and `payload` filler bytes. */
export function simpleBlock(track: number, rel: number, keyframe: boolean, payload = 16): Uint8Array {
  const body = new Uint8Array(4 + payload).fill(0x5a);
  body[0] = 0x80 | track;
  body[1] = (rel >> 8) & 0xff;
  body[2] = rel & 0xff;
  body[3] = keyframe ? 0x80 : 0;
  return writeElement(EbmlId.SimpleBlock, body);
}

export function cluster(timecode: number, blocks: readonly Uint8Array[], unknownSize = false): Uint8Array {
  return writeElement(EbmlId.Cluster, [uintElement(EbmlId.Timecode, timecode), ...blocks], { unknownSize });
}

export function segment(children: readonly Uint8Array[], unknownSize = true): Uint8Array {
  return writeElement(EbmlId.Segment, children, { unknownSize });
}

/** A producer-style stream: EBML header + Segment(Info, Tracks, ...rest). */
export function stream(rest: readonly Uint8Array[], unknownSize = true): Uint8Array {
  return concatBytes([EBML_HEADER, segment([INFO, TRACKS, ...rest], unknownSize)]);
}

export const EOFR_TAGS = buildTags([{ name: 'AWS_KINESISVIDEO_END_OF_FRAGMENT', value: '' }], {
  sizeWidth: 8,
});
