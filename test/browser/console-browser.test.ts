/**
 * The web console in a real browser: Debian's Chromium driven by playwright-core. The home page
 * lists streams created through the SDK; a stream page plays live video from an ffmpeg producer
 * (currentTime advances, videoWidth is the source's); its timeline shows the stored fragments and
 * the gap between them; "download clip" saves an MP4 that ffprobe decodes; with --auth nothing
 * loads without a key and everything does with one; --no-console leaves GET / unanswered. Takes
 * the README screenshots (docs/console-*.png). Skips with a visible message without chromium or
 * ffmpeg.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand, KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseCredentials } from '../../src/auth/index.js';
import { ingestFile, makeFixture } from '../helpers/playback.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { ffmpegMissing, ffprobeMissing, run, LIVE_MKV_OUTPUT } from '../helpers/tools.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed` : ffmpegMissing || ffprobeMissing;
if (skip) console.log(`# SKIP console browser tests: ${skip}`);

const root = new URL('../../../', import.meta.url).pathname;
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];
const WAIT = { timeout: 120_000, polling: 250 };

/** A live ffmpeg producer: a 320x240 test pattern at real time, one fragment per second. */
function startProducer(endpoint: string, stream: string): ChildProcess {
  return spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x240:rate=25',
      '-t',
      '600',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      '25',
      '-keyint_min',
      '25',
      '-bf',
      '0',
      '-pix_fmt',
      'yuv420p',
      ...LIVE_MKV_OUTPUT,
      '-method',
      'POST',
      '-headers',
      `x-amzn-stream-name: ${stream}\r\n`,
      `${endpoint}/putMedia`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/** Page errors and failed requests, for assertion messages. */
function watch(tab: Page): string[] {
  const seen: string[] = [];
  tab.on('console', (m) => {
    if (m.type() === 'error') seen.push(`console: ${m.text()}`);
  });
  tab.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
  return seen;
}

// Playwright evaluates string predicates, which the console's CSP (no unsafe-eval) forbids: the
// tests bypass CSP in their pages; the server still sends it.
describe('web console in Chromium', { skip }, () => {
  let srv: TestServer;
  let kv: KinesisVideoClient;
  let browser: Browser;
  let producer: ChildProcess | undefined;
  let dir: string;
  const archivedPersisted: number[] = [];

  before(async () => {
    dir = tempDir('kvideo-console-');
    srv = await startServer();
    kv = controlPlaneClient(srv.endpoint);
    await kv.send(
      new CreateStreamCommand({
        StreamName: 'front-door',
        DataRetentionInHours: 24,
        MediaType: 'video/h264',
        Tags: { site: 'hq', camera: 'axis-1' },
      }),
    );
    await kv.send(new CreateStreamCommand({ StreamName: 'archive', DataRetentionInHours: 48 }));
    await kv.send(new CreateStreamCommand({ StreamName: 'empty', DataRetentionInHours: 0 }));
    // Two recordings uploaded 5 s apart: server timestamps are arrival times, so the timeline
    // must show two spans and the gap between them (the pause is setup, not an assertion).
    const file = await makeFixture(dir, 'rec.mkv', { seconds: 6, width: 320, height: 240 });
    archivedPersisted.push((await ingestFile(srv.endpoint, 'archive', file, Date.now() - 60_000)).length);
    await new Promise((r) => setTimeout(r, 5000));
    archivedPersisted.push((await ingestFile(srv.endpoint, 'archive', file, Date.now() - 60_000)).length);
    producer = startProducer(srv.endpoint, 'front-door');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });
  after(async () => {
    producer?.kill('SIGKILL');
    await browser?.close();
    kv?.destroy();
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the home page lists the streams created through the SDK, with live state and thumbnails', async () => {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 720 }, bypassCSP: true });
    const seen = watch(tab);
    try {
      await tab.goto(`${srv.endpoint}/`);
      await tab.waitForSelector('tr[data-stream="front-door"] td.live', { timeout: 120_000 });
      const rows = await tab.$$eval('tr[data-stream]', (trs) =>
        trs.map((tr) => tr.getAttribute('data-stream')),
      );
      assert.deepEqual([...rows].sort(), ['archive', 'empty', 'front-door'], seen.join(' | '));
      const archive = await tab.textContent('tr[data-stream="archive"]');
      assert.match(archive ?? '', /48 h/);
      assert.match(archive ?? '', /last fragment \d+ s ago/);
      assert.match((await tab.textContent('tr[data-stream="empty"]')) ?? '', /none.*no fragment/);
      // ffmpeg is present (the suite needs it), so the thumbnails are GetImages JPEGs.
      await tab.waitForFunction(
        `(() => { const i = document.querySelector('tr[data-stream="front-door"] img'); return i && i.naturalWidth === 160; })()`,
        undefined,
        WAIT,
      );
      // Create and delete through the page's form and buttons.
      await tab.fill('#create-stream input[name="name"]', 'made-in-browser');
      await tab.click('#create-stream button[type="submit"]');
      await tab.waitForSelector('tr[data-stream="made-in-browser"]', { timeout: 60_000 });
      tab.once('dialog', (d) => void d.accept());
      await tab.click('tr[data-stream="made-in-browser"] button.danger');
      await tab.waitForSelector('tr[data-stream="made-in-browser"]', { state: 'detached', timeout: 60_000 });
      mkdirSync(join(root, 'docs'), { recursive: true });
      await tab.screenshot({ path: join(root, 'docs/console-home.png') });
    } finally {
      await tab.close();
    }
  });

  test('a stream page plays the live ffmpeg producer and shows its tags and commands', async () => {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
    const seen = watch(tab);
    try {
      await tab.goto(`${srv.endpoint}/streams/front-door`);
      await tab.waitForFunction(`document.getElementById('player').currentTime > 0`, undefined, WAIT);
      const first = (await tab.evaluate(`document.getElementById('player').currentTime`)) as number;
      await tab.waitForFunction(
        `document.getElementById('player').currentTime > ${first + 2}`,
        undefined,
        WAIT,
      );
      const video = (await tab.evaluate(
        `(() => { const v = document.getElementById('player'); return { w: v.videoWidth, h: v.videoHeight, muted: v.muted }; })()`,
      )) as { w: number; h: number; muted: boolean };
      assert.deepEqual(video, { w: 320, h: 240, muted: true }, seen.join(' | '));
      assert.match((await tab.textContent('.mode')) ?? '', /LIVE/);
      assert.match((await tab.textContent('.tags')) ?? '', /site\s*hq/);
      const commands = (await tab.textContent('.commands')) ?? '';
      assert.ok(commands.includes(`${srv.endpoint}/putMedia`), commands);
      assert.ok(commands.includes(`aws kinesis-video-media get-media --endpoint-url ${srv.endpoint}`));
      await tab.waitForSelector('.timeline', { timeout: 60_000 });
      await tab.screenshot({ path: join(root, 'docs/console-stream.png') });
    } finally {
      await tab.close();
    }
  });

  test('the timeline shows the stored fragments and the gap; a click replays; a clip downloads and decodes', async () => {
    const context = await browser.newContext({
      acceptDownloads: true,
      bypassCSP: true,
      viewport: { width: 1280, height: 900 },
    });
    const tab = await context.newPage();
    const seen = watch(tab);
    try {
      await tab.goto(`${srv.endpoint}/streams/archive`);
      await tab.waitForSelector('.timeline', { timeout: 60_000 });
      const stored = archivedPersisted.reduce((a, b) => a + b, 0);
      assert.ok(stored >= 10, `${stored} fragments persisted`);
      const shown = await tab.$eval('.timeline', (el) => ({
        fragments: Number(el.getAttribute('data-fragments')),
        gaps: Number(el.getAttribute('data-gaps')),
        spans: el.querySelectorAll('.span').length,
      }));
      assert.deepEqual(shown, { fragments: stored, gaps: 1, spans: 2 }, seen.join(' | '));

      // Click the middle of the first recording: a LIVE_REPLAY session from that time plays.
      const span = await tab.$('.timeline .span');
      const box = (await span!.boundingBox())!;
      await tab.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await tab.waitForFunction(
        `document.querySelector('.mode').textContent.includes('LIVE_REPLAY')`,
        undefined,
        WAIT,
      );
      await tab.waitForFunction(`document.getElementById('player').currentTime > 1`, undefined, WAIT);

      // The default clip range is the last stored 20 s: download it and decode it with ffprobe.
      const [download] = await Promise.all([
        tab.waitForEvent('download', { timeout: 120_000 }),
        tab.click('#download-clip'),
      ]);
      const saved = join(dir, 'clip.mp4');
      await download.saveAs(saved);
      assert.match(download.suggestedFilename(), /^archive-.*\.mp4$/);
      const probe = await run('ffprobe', [
        '-v',
        'error',
        '-count_frames',
        '-show_entries',
        'stream=codec_name,width,height,nb_read_frames',
        '-of',
        'json',
        saved,
      ]);
      assert.equal(probe.code, 0, probe.stderr);
      const [video] = (JSON.parse(probe.stdout) as { streams: Record<string, unknown>[] }).streams;
      assert.equal(video?.codec_name, 'h264');
      assert.deepEqual([video?.width, video?.height], [320, 240]);
      // The last recording is 6 s at 25 fps; the clip holds whole fragments of it.
      assert.ok(Number(video?.nb_read_frames) >= 100, JSON.stringify(video));
    } finally {
      await context.close();
    }
  });
});

describe('web console with --auth', { skip: !existsSync(CHROMIUM) && `${CHROMIUM} is not installed` }, () => {
  const KEY = { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'console/secret+key' };
  let srv: TestServer;
  let browser: Browser;

  before(async () => {
    srv = await startServer({
      credentials: parseCredentials(
        `credentials:\n  - accessKeyId: ${KEY.accessKeyId}\n    secretAccessKey: "${KEY.secretAccessKey}"\n`,
      ),
    });
    const signed = new KinesisVideoClient({
      endpoint: srv.endpoint,
      region: 'us-west-2',
      credentials: KEY,
      maxAttempts: 1,
    });
    await signed.send(new CreateStreamCommand({ StreamName: 'secret-cam', DataRetentionInHours: 1 }));
    signed.destroy();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('nothing loads without a key; a wrong key is refused; the right key shows the streams', async () => {
    // bypassCSP: playwright's string predicates are evaluated, which the page's CSP forbids.
    const tab = await browser.newPage({ bypassCSP: true });
    const apiStatuses: number[] = [];
    tab.on('response', (r) => {
      if (r.request().method() === 'POST') apiStatuses.push(r.status());
    });
    try {
      await tab.goto(`${srv.endpoint}/`);
      await tab.waitForSelector('#login');
      assert.doesNotMatch((await tab.content()) ?? '', /secret-cam/);
      // The APIs and /metrics themselves refuse unsigned requests from the page.
      const unsigned = (await tab.evaluate(`(async () => [
        (await fetch('/listStreams', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
        (await fetch('/metrics')).status,
      ])()`)) as number[];
      assert.deepEqual(unsigned, [403, 403]);

      await tab.fill('#access-key-id', KEY.accessKeyId);
      await tab.fill('#secret-access-key', 'not-the-secret');
      await tab.click('#login button[type="submit"]');
      await tab.waitForFunction(
        `document.getElementById('login-error').textContent.length > 0`,
        undefined,
        WAIT,
      );
      assert.match((await tab.textContent('#login-error')) ?? '', /SignatureDoesNotMatch|signature/i);
      assert.doesNotMatch((await tab.content()) ?? '', /secret-cam/);

      await tab.fill('#secret-access-key', KEY.secretAccessKey);
      await tab.click('#login button[type="submit"]');
      await tab.waitForSelector('tr[data-stream="secret-cam"]', { timeout: 60_000 });
      // Storage comes from the signed GET /metrics.
      await tab.waitForFunction(`document.body.dataset.loaded === '1'`, undefined, WAIT);
      assert.ok(apiStatuses.includes(403) && apiStatuses.includes(200), apiStatuses.join(','));
      // A stream page under the same browser session signs its calls too.
      await tab.goto(`${srv.endpoint}/streams/secret-cam`);
      await tab.waitForFunction(
        `document.querySelector('.info dd')?.textContent === 'ACTIVE'`,
        undefined,
        WAIT,
      );
    } finally {
      await tab.close();
    }
  });
});

describe('--no-console', () => {
  test('GET / is not served', async () => {
    const srv = await startServer({ console: false });
    try {
      assert.equal((await fetch(`${srv.endpoint}/`)).status, 404);
      assert.equal((await fetch(`${srv.endpoint}/console/console.js`)).status, 404);
    } finally {
      await srv.close();
    }
  });
});
