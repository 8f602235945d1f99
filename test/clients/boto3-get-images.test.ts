/**
 * boto3 (python3) GetImages against kvideo on real H.264 media: the call, its paginator, the
 * datetime TimeStamps, base64 ImageContent that ffprobe decodes at the requested size, and the
 * modelled exceptions boto3 raises.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { ingestFixture, probeImage } from '../helpers/images.js';
import { startServer, TEST_CREDENTIALS, TEST_REGION, type TestServer } from '../helpers/server.js';
import { ffmpegMissing, ffprobeMissing, run } from '../helpers/tools.js';

const boto3Missing: string | false = (() => {
  try {
    execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3 with boto3 is not installed';
  }
})();

const START = 1_700_000_000;

const SCRIPT = `
import json, sys, base64, datetime, boto3
endpoint, start = sys.argv[1], int(sys.argv[2])
t = lambda s: datetime.datetime.fromtimestamp(start + s, tz=datetime.timezone.utc)
am = boto3.client('kinesis-video-archived-media', endpoint_url=endpoint)
out = am.get_images(StreamName='boto-img', ImageSelectorType='PRODUCER_TIMESTAMP', StartTimestamp=t(0),
                    EndTimestamp=t(3), SamplingInterval=1000, Format='PNG', WidthPixels=64)
pages = list(am.get_paginator('get_images').paginate(
    StreamName='boto-img', ImageSelectorType='PRODUCER_TIMESTAMP', StartTimestamp=t(-1), EndTimestamp=t(4),
    SamplingInterval=200, Format='JPEG', HeightPixels=48, PaginationConfig={'PageSize': 10}))
errors = {}
for name, kwargs in [('range', dict(EndTimestamp=t(400))), ('interval', dict(SamplingInterval=50)),
                     ('stream', dict(StreamName='nope'))]:
    args = dict(StreamName='boto-img', ImageSelectorType='SERVER_TIMESTAMP', StartTimestamp=t(0),
                EndTimestamp=t(1), SamplingInterval=500, Format='JPEG')
    args.update(kwargs)
    try:
        am.get_images(**args)
        errors[name] = None
    except am.exceptions.ClientError as e:
        errors[name] = e.response['Error']['Code']
print(json.dumps({
    'times': [im['TimeStamp'].timestamp() for im in out['Images']],
    'images': [im.get('ImageContent') for im in out['Images']],
    'next': out.get('NextToken'),
    'pages': [len(p['Images']) for p in pages],
    'pageErrors': [im.get('Error') for p in pages for im in p['Images']],
    'pageFirst': pages[0]['Images'][5].get('ImageContent'),
    'errors': errors,
}))
`;

describe('boto3 GetImages', { skip: boto3Missing || ffmpegMissing || ffprobeMissing }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
    await ingestFixture(srv.endpoint, 'boto-img', 'h264-only.mkv', START);
  });
  after(async () => {
    await srv.close();
  });

  test('get_images, its paginator and its exceptions', async () => {
    const py = await run('sh', [
      '-c',
      `AWS_ACCESS_KEY_ID=${TEST_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY='${TEST_CREDENTIALS.secretAccessKey}' AWS_DEFAULT_REGION=${TEST_REGION} python3 -c "$0" "$1" "$2"`,
      SCRIPT,
      srv.endpoint,
      String(START),
    ]);
    assert.equal(py.code, 0, py.stderr);
    const out = JSON.parse(py.stdout) as {
      times: number[];
      images: (string | null)[];
      next: string | null;
      pages: number[];
      pageErrors: (string | null)[];
      pageFirst: string;
      errors: Record<string, string | null>;
    };
    assert.deepEqual(out.times, [START, START + 1, START + 2, START + 3]);
    assert.equal(out.next, null);
    for (const content of out.images) {
      assert.deepEqual(await probeImage(Buffer.from(content ?? '', 'base64')), {
        codec: 'png',
        width: 64,
        height: 48,
      });
    }
    // 5 s at 200 ms = 26 samples in pages of 10; the first second and everything after 3.96 s have no media.
    assert.deepEqual(out.pages, [10, 10, 6]);
    assert.deepEqual(
      out.pageErrors.map((e) => e ?? 'ok'),
      [...Array(5).fill('NO_MEDIA'), ...Array(20).fill('ok'), 'NO_MEDIA'],
    );
    assert.deepEqual(await probeImage(Buffer.from(out.pageFirst, 'base64')), {
      codec: 'mjpeg',
      width: 64,
      height: 48,
    });
    assert.deepEqual(out.errors, {
      range: 'InvalidArgumentException',
      interval: 'InvalidArgumentException',
      stream: 'ResourceNotFoundException',
    });
  });
});
