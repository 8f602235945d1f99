/**
 * `kvideo get-images`: the same output as `aws kinesis-video-archived-media get-images` for the
 * same arguments (automatic pagination, --max-items, --output text), and the --output-dir
 * extension: image files that ffprobe decodes, one line per image, a progress line on a terminal.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCliMissing } from '../helpers/aws-cli.js';
import { ingestFixture, probeImage } from '../helpers/images.js';
import { startServer, tempDir, type TestServer } from '../helpers/server.js';
import { ffmpegMissing, ffprobeMissing } from '../helpers/tools.js';
import { aws, collect, kvideo, kvideoOnTty, scriptMissing } from './helpers/run-cli.js';

const START = 1_700_000_000;

describe('kvideo get-images', { skip: ffmpegMissing || ffprobeMissing }, () => {
  let srv: TestServer;
  const dir = tempDir('kvideo-cli-images-');
  const args = (extra: string[] = []): string[] => [
    'get-images',
    '--endpoint-url',
    srv.endpoint,
    '--stream-name',
    'cam',
    '--image-selector-type',
    'PRODUCER_TIMESTAMP',
    '--start-timestamp',
    String(START - 1),
    '--end-timestamp',
    String(START + 2),
    '--sampling-interval',
    '500',
    '--format',
    'JPEG',
    '--width-pixels',
    '32',
    ...extra,
  ];

  before(async () => {
    srv = await startServer();
    await ingestFixture(srv.endpoint, 'cam', 'h264-only.mkv', START);
  });
  after(async () => {
    await srv.close();
  });

  test('prints what the AWS CLI prints, paginating the same way', { skip: awsCliMissing }, async () => {
    for (const extra of [[], ['--page-size', '3'], ['--max-items', '4'], ['--output', 'text']]) {
      const [mine, theirs] = await Promise.all([
        kvideo(args(extra)),
        aws(['kinesis-video-archived-media', ...args(extra)]),
      ]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(mine.code, 0, mine.stderr);
      assert.equal(mine.stdout, theirs.stdout, extra.join(' '));
    }
    const parsed = JSON.parse((await kvideo(args())).stdout) as {
      Images: { TimeStamp: number; Error?: string }[];
    };
    assert.deepEqual(
      parsed.Images.map((im) => [im.TimeStamp, im.Error ?? 'ok']),
      [
        [START - 1, 'NO_MEDIA'],
        [START - 0.5, 'NO_MEDIA'],
        [START, 'ok'],
        [START + 0.5, 'ok'],
        [START + 1, 'ok'],
        [START + 1.5, 'ok'],
        [START + 2, 'ok'],
      ],
    );
    const bad = await kvideo(args(['--sampling-interval', '10']));
    const awsBad = await aws(['kinesis-video-archived-media', ...args(['--sampling-interval', '10'])]);
    assert.equal(bad.code, 255);
    assert.equal(bad.stderr, awsBad.stderr);
  });

  test('--output-dir writes decodable image files and lists them', async () => {
    const out = join(dir, 'png');
    const run = await kvideo(args(['--format', 'PNG', '--output-dir', out]));
    assert.equal(run.code, 0, run.stderr);
    const files = readdirSync(out).sort();
    assert.deepEqual(
      files,
      [0, 500, 1000, 1500, 2000].map((ms) => `cam-${START * 1000 + ms}.png`),
    );
    for (const f of files) {
      assert.deepEqual(await probeImage(readFileSync(join(out, f))), { codec: 'png', width: 32, height: 24 });
    }
    const lines = run.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 2), [
      `${new Date((START - 1) * 1000).toISOString()}\tNO_MEDIA`,
      `${new Date((START - 0.5) * 1000).toISOString()}\tNO_MEDIA`,
    ]);
    assert.deepEqual(
      lines.slice(2),
      files.map((f) => join(out, f)),
    );
    assert.equal(run.stderr, '', 'no progress line when stderr is not a terminal');
  });

  test('--output-dir shows a progress line on a terminal', { skip: scriptMissing }, async () => {
    const out = join(dir, 'tty');
    const { code, output } = await collect(kvideoOnTty(args(['--output-dir', out])));
    assert.equal(code, 0, output);
    assert.match(output, /5 images written \([0-9.]+ KiB\), 2 without image/);
    assert.equal(readdirSync(out).length, 5);
  });
});
