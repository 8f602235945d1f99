/**
 * Property tests for the PutMedia parser (design.md principle 11): a valid stream split at random
 * chunk boundaries yields the same events, and random or mutated bytes never hang the parser or make
 * it throw anything but MkvFormatError.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { KvsChunkReader } from '../../src/mkv/chunk-reader.js';
import { MkvFormatError } from '../../src/mkv/ebml.js';
import type { MkvEvent } from '../../src/mkv/ingest-parser.js';
import { buildTags, concatBytes } from '../../src/mkv/writer.js';
import {
  EOFR_TAGS,
  FIXTURES,
  cluster,
  fixture,
  normalize,
  parseAll,
  parseParts,
  simpleBlock,
  splitAt,
  stream,
} from '../unit/mkv/mkv-test-utils.js';

const fixtures = Object.fromEntries(FIXTURES.map((name) => [name, fixture(name)]));
const reference = Object.fromEntries(FIXTURES.map((name) => [name, normalize(parseAll(fixtures[name]!))]));

/** A small synthetic stream with every construct: unknown sizes, BlockGroup, tags, EoFR. */
const synthetic = stream([
  buildTags([{ name: 'site', value: 'lab' }]),
  cluster(0, [simpleBlock(1, 0, true), simpleBlock(1, 40, false)], true),
  buildTags([{ name: 'next', value: '1' }], { sizeWidth: 8 }),
  EOFR_TAGS,
  cluster(80, [simpleBlock(1, 0, true, 300)]),
  cluster(160, [simpleBlock(1, 0, true, 20)], true),
]);

test('1-byte chunks give the same events as one chunk, for every fixture', () => {
  for (const name of FIXTURES) {
    assert.deepEqual(normalize(parseAll(fixtures[name]!, [1])), reference[name], name);
  }
});

test('random split points give the same events', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...FIXTURES),
      fc.array(fc.nat(), { minLength: 1, maxLength: 60 }),
      (name, raw) => {
        const input = fixtures[name]!;
        const cuts = raw.map((c) => c % (input.length + 1));
        assert.deepEqual(normalize(parseParts(splitAt(input, cuts))), reference[name]);
      },
    ),
    { numRuns: 60 },
  );
});

test('random small chunk sizes (including 1-byte runs) give the same events', () => {
  const expected = normalize(parseAll(synthetic));
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }), (sizes) => {
      assert.deepEqual(normalize(parseAll(synthetic, sizes)), expected);
    }),
    { numRuns: 200 },
  );
});

type Outcome = { error: string } | { events: MkvEvent[] };

function outcome(run: () => MkvEvent[]): Outcome {
  try {
    return { events: normalize(run()) };
  } catch (err) {
    if (!(err instanceof MkvFormatError)) throw err; // anything else fails the property
    return { error: 'MkvFormatError' };
  }
}

test('mutated streams only ever throw MkvFormatError, identically for any split', () => {
  const stats = { ok: 0, error: 0 };
  fc.assert(
    fc.property(
      fc.constantFrom(fixtures['h264-aac']!, synthetic),
      // half of the mutations hit the first 3 KB, where the header and first Cluster structure are
      fc.array(fc.record({ at: fc.oneof(fc.nat(3000), fc.nat()), value: fc.integer({ min: 0, max: 255 }) }), {
        minLength: 1,
        maxLength: 8,
      }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (base, mutations, rawCuts) => {
        const input = base.slice();
        for (const m of mutations) input[m.at % input.length] = m.value;
        const whole = outcome(() => parseAll(input));
        const split = outcome(() =>
          parseParts(
            splitAt(
              input,
              rawCuts.map((c) => c % (input.length + 1)),
            ),
          ),
        );
        assert.deepEqual(split, whole);
        stats['error' in whole ? 'error' : 'ok']++;
      },
    ),
    { numRuns: 200 },
  );
  // guard against a vacuous property: both outcomes must actually occur
  assert.ok(stats.error > 10 && stats.ok > 10, JSON.stringify(stats));
  // guard against a vacuous property: both outcomes must actually occur
  assert.ok(stats.error > 10 && stats.ok > 10, JSON.stringify(stats));
});

test('random bytes never hang and only throw MkvFormatError (ingest parser and chunk reader)', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 2048 }),
      fc.boolean(),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
      (bytes, withHeader, sizes) => {
        const input = withHeader ? concatBytes([synthetic.subarray(0, 60), bytes]) : bytes;
        outcome(() => parseAll(input, sizes));
        try {
          const reader = new KvsChunkReader();
          for (let o = 0; o < input.length; o += 7) reader.push(input.subarray(o, o + 7));
          reader.end();
        } catch (err) {
          if (!(err instanceof MkvFormatError)) throw err;
        }
      },
    ),
    { numRuns: 200 },
  );
});
