/**
 * Generators of hostile Matroska shared by the fuzz tests: absurd element sizes, deep nesting,
 * unknown-size abuse and element soup after a valid (or missing) header. Also the run count knob:
 * KVIDEO_FUZZ_RUNS (short default for `npm test`, 20000 in `npm run reliability:long`), and
 * KVIDEO_FUZZ_SEED to replay a failure.
 */
import fc from 'fast-check';
import { EbmlId } from '../../src/mkv/ids.js';
import { concatBytes } from '../../src/mkv/writer.js';
import { EBML_HEADER, INFO, TRACKS, cluster, simpleBlock } from '../unit/mkv/mkv-test-utils.js';

/** Parser-level runs; each property below gets this many (or a stated fraction). */
export const FUZZ_RUNS = Number(process.env.KVIDEO_FUZZ_RUNS ?? 300);
export const SEED = process.env.KVIDEO_FUZZ_SEED ? Number(process.env.KVIDEO_FUZZ_SEED) : undefined;
export const fcOptions = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns,
  ...(SEED !== undefined ? { seed: SEED } : {}),
});

/** No input may take longer than this to parse (the biggest generated input is about 200 KB). */
export const MAX_PARSE_MS = 2000;
/** Declared sizes must not turn into allocations: growth allowed per input beyond its own size. */
export const MAX_EXTRA_BYTES = 8 * 1024 * 1024;

export const HEAD = concatBytes([
  EBML_HEADER,
  Uint8Array.of(0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
  INFO,
  TRACKS,
]);

export function id(value: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.from(bytes);
}

export const MASTER_IDS = [
  EbmlId.Segment,
  EbmlId.Cluster,
  EbmlId.BlockGroup,
  EbmlId.Tags,
  EbmlId.Tracks,
  EbmlId.Info,
  EbmlId.EBML,
  0x7373 /* Tag */,
  0x67c8 /* SimpleTag */,
];
export const ALL_IDS = [
  ...MASTER_IDS,
  EbmlId.SimpleBlock,
  EbmlId.Block,
  EbmlId.Timecode,
  EbmlId.BlockDuration,
  EbmlId.Void,
  EbmlId.CRC32,
  EbmlId.Cues,
  EbmlId.TrackEntry,
  EbmlId.TimecodeScale,
  0x4487 /* TagString */,
  0x45a3 /* TagName */,
  0x1f43b676 /* not an ID we know */,
  0x81,
];

/** Size fields: unknown (all widths), huge, zero, and garbage widths. */
const sizeField = fc.oneof(
  fc.constantFrom(
    Uint8Array.of(0xff),
    Uint8Array.of(0x7f, 0xff),
    Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe), // 2^56 - 2
    Uint8Array.of(0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff), // 4 GiB
    Uint8Array.of(0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), // invalid width marker
    Uint8Array.of(0x00), // no marker bit at all
    Uint8Array.of(0x80), // zero
    Uint8Array.of(0x10, 0x00, 0x00, 0x00), // 0
  ),
  fc
    .integer({ min: 0, max: 0x0fffffff })
    .map((n) => Uint8Array.of(0x10 | (n >>> 24), (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)),
  fc.uint8Array({ minLength: 1, maxLength: 8 }),
);

const element = fc
  .tuple(fc.constantFrom(...ALL_IDS), sizeField, fc.uint8Array({ maxLength: 64 }))
  .map(([i, size, payload]) => concatBytes([id(i), size, payload]));

export const hostileBody = fc.oneof(
  // absurd sizes right after a valid header, then some data
  fc
    .tuple(fc.constantFrom(...ALL_IDS), sizeField, fc.uint8Array({ maxLength: 4096 }))
    .map(([i, size, tail]) => concatBytes([HEAD, id(i), size, tail])),
  // deep nesting of unknown-size masters
  fc
    .tuple(
      fc.constantFrom(...MASTER_IDS),
      fc.integer({ min: 1, max: 20_000 }),
      fc.uint8Array({ maxLength: 256 }),
    )
    .map(([i, depth, tail]) => {
      const open = concatBytes([id(i), Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)]);
      return concatBytes([HEAD, ...Array.from({ length: depth }, () => open), tail]);
    }),
  // deep nesting of known-size masters (each claims the rest)
  fc.tuple(fc.constantFrom(...MASTER_IDS), fc.integer({ min: 1, max: 5000 })).map(([i, depth]) => {
    const parts: Uint8Array[] = [];
    for (let d = 0; d < depth; d++) parts.push(id(i), Uint8Array.of(0x10, 0x0f, 0xff, 0xff));
    return concatBytes([HEAD, ...parts, simpleBlock(1, 0, true)]);
  }),
  // element soup after a valid or a missing header
  fc
    .tuple(fc.boolean(), fc.array(element, { maxLength: 200 }))
    .map(([withHead, els]) => concatBytes([withHead ? HEAD : new Uint8Array(), ...els])),
  // unknown-size abuse: unknown sizes on non-masters, a second EBML header inside a Cluster, etc.
  fc.constantFrom(
    concatBytes([
      HEAD,
      id(EbmlId.Cluster),
      Uint8Array.of(0xff),
      id(EbmlId.Timecode),
      Uint8Array.of(0xff),
      Uint8Array.of(1, 2, 3),
    ]),
    concatBytes([
      HEAD,
      id(EbmlId.Cluster),
      Uint8Array.of(0xff),
      id(EbmlId.SimpleBlock),
      Uint8Array.of(0xff),
      new Uint8Array(1000),
    ]),
    concatBytes([HEAD, id(EbmlId.Cluster), Uint8Array.of(0xff), EBML_HEADER, HEAD]),
    concatBytes([
      HEAD,
      id(EbmlId.Cluster),
      Uint8Array.of(0xff),
      id(EbmlId.Segment),
      Uint8Array.of(0xff),
      cluster(0, [simpleBlock(1, 0, true)]),
    ]),
    concatBytes([id(EbmlId.EBML), Uint8Array.of(0xff), HEAD]),
    concatBytes([
      HEAD,
      id(EbmlId.Tags),
      Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
      new Uint8Array(5000),
    ]),
    concatBytes([
      HEAD,
      id(EbmlId.Tags),
      Uint8Array.of(0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00),
      new Uint8Array(100_000),
    ]),
    concatBytes([
      HEAD,
      ...Array.from({ length: 2000 }, () => concatBytes([id(EbmlId.Cluster), Uint8Array.of(0xff)])),
    ]),
  ),
);
