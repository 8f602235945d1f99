/** Splitting ffmpeg's image2pipe output into single images, with real ffmpeg output. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { splitImages } from '../../../src/images/image-split.js';
import { ffmpegMissing } from '../../helpers/tools.js';

function encode(codec: string, frames: number): Buffer {
  return execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=64x48:rate=5:duration=${frames / 5}`,
    '-c:v',
    codec,
    ...(codec === 'mjpeg' ? ['-pix_fmt', 'yuvj420p'] : []),
    '-f',
    'image2pipe',
    'pipe:1',
  ]);
}

test(
  'real JPEG and PNG streams split into their images; a truncated tail is leftover',
  { skip: ffmpegMissing },
  () => {
    for (const [codec, format] of [
      ['mjpeg', 'JPEG'],
      ['png', 'PNG'],
    ] as const) {
      const data = encode(codec, 4);
      const { images, leftover } = splitImages(format, data);
      assert.equal(images.length, 4, codec);
      assert.equal(leftover, 0);
      assert.equal(Buffer.concat(images).length, data.length);
      const cut = splitImages(format, data.subarray(0, data.length - 10));
      assert.equal(cut.images.length, 3);
      assert.ok(cut.leftover > 0);
    }
  },
);

test('JPEG entropy data with stuffed 0xFF00 and restart markers does not end the image', () => {
  const segment = (marker: number, payload: number[]): number[] => [
    0xff,
    marker,
    0,
    payload.length + 2,
    ...payload,
  ];
  const jpeg = [
    0xff,
    0xd8,
    ...segment(0xe0, [1, 2, 3]),
    ...segment(0xda, [9]),
    0x12,
    0xff,
    0x00,
    0xff,
    0xd0,
    0x34,
    0xff,
    0xd9,
  ];
  const { images, leftover } = splitImages('JPEG', Uint8Array.from([...jpeg, ...jpeg]));
  assert.equal(images.length, 2);
  assert.equal(images[0]!.length, jpeg.length);
  assert.equal(leftover, 0);
  assert.equal(splitImages('JPEG', Uint8Array.of(1, 2, 3)).leftover, 3);
});
