/**
 * The fMP4 output in a real browser: Debian's Chromium (playwright-core, no download) feeds the init
 * segment and every media segment of a fixture to Media Source Extensions with the codec strings
 * packaging derived, plays muted, and reports how far playback got and the decoded video size.
 * (HLS/DASH players on top of this are tested with the playback sessions.)
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { concatBytes } from '../../../src/mkv/writer.js';
import {
  buildInitSegment,
  buildMediaSegment,
  demuxFragment,
  describeTracks,
  ProgressiveMp4Writer,
} from '../../../src/packaging/index.js';
import { storedMedia } from './stored-media.js';

const CHROMIUM = '/usr/bin/chromium';
const chromiumMissing = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`;

const PAGE = `<!doctype html><video id="v" muted playsinline></video><script>
async function run(codecs, count) {
  const v = document.getElementById('v');
  const ms = new MediaSource();
  v.src = URL.createObjectURL(ms);
  await new Promise((r) => ms.addEventListener('sourceopen', r, { once: true }));
  const type = 'video/mp4; codecs="' + codecs + '"';
  if (!MediaSource.isTypeSupported(type)) return { error: 'unsupported ' + type };
  const sb = ms.addSourceBuffer(type);
  const append = (buf) => new Promise((r, j) => { sb.addEventListener('updateend', r, { once: true }); sb.addEventListener('error', j, { once: true }); sb.appendBuffer(buf); });
  await append(await (await fetch('/init')).arrayBuffer());
  for (let i = 0; i < count; i++) await append(await (await fetch('/seg/' + i)).arrayBuffer());
  ms.endOfStream();
  const start = sb.buffered.start(0);
  v.currentTime = start; // the media starts at its epoch time (absolute tfdt), not at 0
  v.play().catch(() => undefined);
  const started = performance.now();
  while (v.currentTime - start < 2.5 && performance.now() - started < 30000 && !v.error) await new Promise((r) => setTimeout(r, 100));
  const b = sb.buffered;
  return { played: v.currentTime - start, width: v.videoWidth, height: v.videoHeight, error: v.error && v.error.message,
           buffered: b.length ? [b.start(0), b.end(b.length - 1)] : [] };
}
async function playFile(url) {
  const v = document.getElementById('v');
  v.src = url;
  v.play().catch(() => undefined);
  const started = performance.now();
  while (v.currentTime < 2.5 && performance.now() - started < 30000 && !v.error) await new Promise((r) => setTimeout(r, 100));
  return { played: v.currentTime, width: v.videoWidth, height: v.videoHeight, error: v.error && v.error.message, duration: v.duration };
}
</script>`;

for (const name of ['h264-aac', 'h264-bframes-aac', 'ffmpeg-default-live']) {
  test(`Chromium MSE plays the fMP4 of ${name}`, { skip: chromiumMissing, timeout: 120_000 }, async () => {
    const stored = storedMedia(`${name}.mkv`);
    const set = describeTracks(stored.header);
    const init = buildInitSegment(set.tracks);
    const segments = stored.fragments.map((f, i) =>
      buildMediaSegment(
        set.tracks,
        demuxFragment(set, f.bytes, { clusterTimeMs: 1_700_000_000_000 + f.timecode }),
        i + 1,
      ),
    );
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      const body = url === '/' ? PAGE : url === '/init' ? init : segments[Number(url.split('/')[2])];
      if (body === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': url === '/' ? 'text/html' : 'video/mp4' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--autoplay-policy=no-user-gesture-required'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const codecs = set.tracks.map((t) => t.codecString).join(',');
      const result = (await page.evaluate(`run(${JSON.stringify(codecs)}, ${segments.length})`)) as {
        played: number;
        width: number;
        height: number;
        error: string | null;
        buffered: number[];
      };
      assert.equal(result.error ?? null, null, JSON.stringify(result));
      assert.ok(result.played >= 2.5, JSON.stringify(result));
      assert.equal(result.width, set.tracks[0]!.width);
      assert.equal(result.height, set.tracks[0]!.height);
      // The buffered range covers the whole media, in epoch seconds (absolute tfdt).
      assert.ok(Math.abs(result.buffered[0]! - 1_700_000_000) < 0.2, JSON.stringify(result));
      assert.ok(result.buffered[1]! - result.buffered[0]! > 3.5, JSON.stringify(result));
    } finally {
      await browser.close();
      server.close();
    }
  });
}

test(
  'Chromium plays a GetClip-style progressive MP4 from a plain <video src>',
  { skip: chromiumMissing, timeout: 120_000 },
  async () => {
    const stored = storedMedia('h264-bframes-aac.mkv');
    const set = describeTracks(stored.header);
    const writer = new ProgressiveMp4Writer(set.tracks);
    const demuxed = stored.fragments.map((f) =>
      demuxFragment(set, f.bytes, { clusterTimeMs: 1_700_000_000_000 + f.timecode }),
    );
    for (const d of demuxed) writer.add(d);
    const clip = concatBytes([writer.header(), ...demuxed.flatMap((d) => writer.payload(d))]);
    const server = createServer((req, res) => {
      if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length }).end(clip);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--autoplay-policy=no-user-gesture-required'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const result = (await page.evaluate(`playFile('/clip.mp4')`)) as {
        played: number;
        width: number;
        error: string | null;
        duration: number;
      };
      assert.equal(result.error ?? null, null, JSON.stringify(result));
      assert.ok(result.played >= 2.5, JSON.stringify(result));
      assert.equal(result.width, set.tracks[0]!.width);
      assert.ok(Math.abs(result.duration - 4) < 0.2, JSON.stringify(result));
    } finally {
      await browser.close();
      server.close();
    }
  },
);
