/**
 * Hostile Matroska for the PutMedia parser (MkvIngestParser) and the GetMedia chunk reader
 * (KvsChunkReader), beyond mkv-split.test.ts: absurd element sizes, deep nesting, unknown sizes where
 * they are not allowed or make no sense, random element soup, and a valid stream split at every
 * boundary. Properties: only MkvFormatError is ever thrown, every input is handled in bounded time,
 * and memory does not follow declared sizes (a header claiming 2^56 bytes allocates nothing big).
 * Runs scale with KVIDEO_FUZZ_RUNS (short default for `npm test`; 20000 in `npm run reliability:long`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KvsChunkReader } from '../../src/mkv/chunk-reader.js';
import { MkvFormatError } from '../../src/mkv/ebml.js';
import { EbmlId } from '../../src/mkv/ids.js';
import { MkvIngestParser, type MkvEvent } from '../../src/mkv/ingest-parser.js';
import { buildTags, concatBytes, writeElement } from '../../src/mkv/writer.js';
import { cluster, normalize, parseAll, parseParts, simpleBlock, stream } from '../unit/mkv/mkv-test-utils.js';
import {
  FUZZ_RUNS,
  HEAD,
  MAX_EXTRA_BYTES,
  MAX_PARSE_MS,
  fcOptions,
  hostileBody,
  id,
} from './mkv-arbitraries.js';

type Outcome = 'ok' | 'MkvFormatError';

function runParser(input: Uint8Array, sizes: number[]): Outcome {
  try {
    parseAll(input, sizes);
    return 'ok';
  } catch (err) {
    if (err instanceof MkvFormatError) return 'MkvFormatError';
    throw err;
  }
}

function runReader(input: Uint8Array, size: number): Outcome {
  const reader = new KvsChunkReader();
  try {
    for (let o = 0; o < input.length; o += size) reader.push(input.subarray(o, o + size));
    reader.end();
    return 'ok';
  } catch (err) {
    if (err instanceof MkvFormatError) return 'MkvFormatError';
    throw err;
  }
}

test(`hostile Matroska: only MkvFormatError, bounded time and memory (${FUZZ_RUNS} runs)`, () => {
  const outcomes = { ok: 0, MkvFormatError: 0 };
  let slowest = 0;
  let worstExtra = 0;
  fc.assert(
    fc.property(
      hostileBody,
      fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 6 }),
      (input, sizes) => {
        const before = process.memoryUsage().arrayBuffers;
        const started = performance.now();
        const outcome = runParser(input, sizes);
        runReader(input, sizes[0]!);
        const took = performance.now() - started;
        const extra = process.memoryUsage().arrayBuffers - before - input.length;
        slowest = Math.max(slowest, took);
        worstExtra = Math.max(worstExtra, extra);
        assert.ok(took < MAX_PARSE_MS, `took ${took.toFixed(0)} ms for ${input.length} bytes`);
        assert.ok(extra < MAX_EXTRA_BYTES, `allocated ${extra} bytes beyond the input`);
        outcomes[outcome]++;
      },
    ),
    fcOptions(FUZZ_RUNS),
  );
  process.stdout.write(
    `# mkv hostile: ${FUZZ_RUNS} inputs, ${outcomes.ok} parsed, ${outcomes.MkvFormatError} MkvFormatError, ` +
      `slowest ${slowest.toFixed(1)} ms, worst extra allocation ${(worstExtra / 1024).toFixed(0)} KiB\n`,
  );
  assert.ok(outcomes.MkvFormatError > 0, 'the generators reach the error paths');
});

test('declared sizes of 2^52 and 4 GiB are streamed, not allocated (2^56 is refused)', () => {
  const before = process.memoryUsage().arrayBuffers;
  const parser = new MkvIngestParser();
  parser.push(HEAD);
  // Sizes above 2^53 cannot be represented exactly and are refused as invalid data.
  assert.throws(
    () =>
      new MkvIngestParser().push(
        concatBytes([
          HEAD,
          id(EbmlId.Cluster),
          Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe),
        ]),
      ),
    MkvFormatError,
  );
  parser.push(
    concatBytes([
      id(EbmlId.Cluster),
      Uint8Array.of(0x01, 0x10, 0, 0, 0, 0, 0, 0),
      id(EbmlId.Timecode),
      Uint8Array.of(0x81, 0),
    ]),
  );
  // A SimpleBlock that claims 4 GiB, fed 16 MiB in 64 KiB pieces.
  parser.push(
    concatBytes([
      id(EbmlId.SimpleBlock),
      Uint8Array.of(0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00),
      Uint8Array.of(0x81, 0, 0, 0x80),
    ]),
  );
  const piece = new Uint8Array(64 * 1024);
  for (let i = 0; i < 256; i++) parser.push(piece);
  const events: MkvEvent[] = parser.end();
  assert.ok(events.some((e) => e.type === 'truncated'));
  assert.ok(process.memoryUsage().arrayBuffers - before < MAX_EXTRA_BYTES);
});

test('a valid stream split at every boundary (and at every pair, for a small one) gives the same events', () => {
  const synthetic = stream([
    buildTags([{ name: 'site', value: 'lab' }]),
    cluster(0, [simpleBlock(1, 0, true, 40), simpleBlock(1, 40, false, 30)], true),
    cluster(80, [simpleBlock(1, 0, true, 50)]),
    writeElement(EbmlId.Void, new Uint8Array(3)),
    cluster(160, [simpleBlock(1, 0, true, 20)], true),
  ]);
  const expected = normalize(parseAll(synthetic));
  for (let i = 0; i <= synthetic.length; i++) {
    assert.deepEqual(
      normalize(parseParts([synthetic.subarray(0, i), synthetic.subarray(i)])),
      expected,
      `cut at ${i}`,
    );
  }
  const tiny = stream([cluster(0, [simpleBlock(1, 0, true, 4)])]);
  const tinyExpected = normalize(parseAll(tiny));
  for (let i = 0; i <= tiny.length; i++) {
    for (let j = i; j <= tiny.length; j++) {
      const parts = [tiny.subarray(0, i), tiny.subarray(i, j), tiny.subarray(j)];
      assert.deepEqual(normalize(parseParts(parts)), tinyExpected, `cuts at ${i}, ${j}`);
    }
  }
});
