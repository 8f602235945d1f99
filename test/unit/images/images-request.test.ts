/** GetImages request rules: sample times, page size, NextToken, limits (spec §7.6). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { archived } from '../../../src/api/index.js';
import { mjpegQscale } from '../../../src/images/ffmpeg-decoder.js';
import { planImagesPage } from '../../../src/images/images-request.js';

const input = (over: Partial<archived.GetImagesInput> = {}): archived.GetImagesInput => ({
  StreamName: 's',
  ImageSelectorType: 'SERVER_TIMESTAMP',
  StartTimestamp: 1000,
  EndTimestamp: 1010,
  SamplingInterval: 1000,
  Format: 'JPEG',
  ...over,
});

test('samples run from Start to End inclusive, one per interval', () => {
  const page = planImagesPage(input());
  assert.deepEqual(
    page.samples,
    Array.from({ length: 11 }, (_, k) => 1_000_000 + k * 1000),
  );
  assert.equal(page.clock, 'SERVER');
  assert.equal(page.jpegQuality, 80);
  assert.equal(page.nextToken, undefined);
  // A range shorter than the interval still gives the image at StartTimestamp.
  assert.deepEqual(
    planImagesPage(input({ EndTimestamp: 1000.5, SamplingInterval: 3000 })).samples,
    [1_000_000],
  );
  assert.equal(planImagesPage(input({ SamplingInterval: undefined })).samples.length, 4); // 3000 ms default
});

test('pages hold at most 25 samples, MaxResults less; the token continues where the page ended', () => {
  const all: number[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = planImagesPage(
      input({ EndTimestamp: 1020, SamplingInterval: 200, MaxResults: 100, NextToken: token }),
    );
    assert.ok(page.samples.length <= 25);
    all.push(...page.samples);
    token = page.nextToken;
    pages++;
  } while (token);
  assert.equal(all.length, 101);
  assert.equal(pages, 5);
  assert.deepEqual(
    all,
    [...new Set(all)].sort((a, b) => a - b),
  );
  assert.equal(planImagesPage(input({ MaxResults: 3 })).samples.length, 3);
});

test('invalid requests are InvalidArgumentException', () => {
  const token = planImagesPage(input({ MaxResults: 2 })).nextToken;
  for (const bad of [
    { EndTimestamp: 1300.001 },
    { EndTimestamp: 999 },
    { SamplingInterval: 199 },
    { FormatConfig: { JPEGQuality: 'high' } },
    { FormatConfig: { JPEGQuality: '0' } },
    { NextToken: 'bm90IGpzb24=' },
    { NextToken: token, StartTimestamp: 1001 },
  ]) {
    assert.throws(
      () => planImagesPage(input(bad)),
      { code: 'InvalidArgumentException' },
      JSON.stringify(bad),
    );
  }
  const longest = planImagesPage(input({ EndTimestamp: 1300 })); // exactly 300 s is allowed
  assert.equal(longest.samples.length, 25);
  assert.ok(longest.nextToken);
});

test('JPEGQuality maps onto mjpeg qscale 31..2', () => {
  assert.equal(mjpegQscale(1), 31);
  assert.equal(mjpegQscale(100), 2);
  assert.ok(mjpegQscale(80) < mjpegQscale(20));
});
