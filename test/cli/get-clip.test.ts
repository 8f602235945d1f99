/**
 * `kvideo get-clip` as a subprocess against an in-process server: the same MP4 file and printed
 * metadata as `aws kinesis-video-archived-media get-clip` with the same arguments (shorthand
 * selector), stdout output with `-`, and the same error text for a range without fragments.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { awsCliMissing } from '../helpers/aws-cli.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { ffmpegMissing, fixture } from '../helpers/tools.js';
import { decodeErrors, tempFile } from '../unit/packaging/probe.js';
import { aws, kvideo } from './helpers/run-cli.js';

const START = 1_700_000_000;
const METADATA = '{\n    "ContentType": "video/mp4"\n}\n';

describe('get-clip', () => {
  let srv: TestServer;
  const dir = tempDir('kvideo-cli-get-clip-');
  const out = (name: string): string => join(dir, name);
  const args = (start: number, end: number): string[] => [
    '--endpoint-url',
    srv.endpoint,
    '--stream-name',
    'cam',
    '--clip-fragment-selector',
    `FragmentSelectorType=PRODUCER_TIMESTAMP,TimestampRange={StartTimestamp=${start},EndTimestamp=${end}}`,
  ];

  before(async () => {
    srv = await startServer();
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'cam', DataRetentionInHours: 24 }));
    kv.destroy();
    const put = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: {
        'x-amzn-stream-name': 'cam',
        'x-amzn-fragment-timecode-type': 'RELATIVE',
        'x-amzn-producer-start-timestamp': `${START}`,
      },
      pieces: [readFileSync(fixture('h264-aac.mkv'))],
    });
    assert.equal(put.acks.filter((a) => a.EventType === 'PERSISTED').length, 4);
  });
  after(async () => {
    await srv.close();
  });

  test('same MP4 and metadata as aws get-clip', async () => {
    const [k, a] = await Promise.all([
      kvideo(['get-clip', ...args(START, START + 60), out('k.mp4')]),
      awsCliMissing
        ? undefined
        : aws(['kinesis-video-archived-media', 'get-clip', ...args(START, START + 60), out('a.mp4')]),
    ]);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(k.stdout, METADATA);
    const mine = readFileSync(out('k.mp4'));
    assert.equal(mine.subarray(4, 8).toString(), 'ftyp');
    if (!ffmpegMissing) assert.equal(await decodeErrors(out('k.mp4')), '');
    if (!a) return;
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, k.stdout);
    assert.ok(mine.equals(readFileSync(out('a.mp4'))));
  });

  test('outfile - writes the MP4 to stdout and the metadata to stderr', async () => {
    const k = await kvideo(['get-clip', ...args(START, START + 60), '-']);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(k.stderr, METADATA);
    assert.ok(k.stdoutBytes.equals(readFileSync(out('k.mp4'))));
    if (!ffmpegMissing) assert.equal(await decodeErrors(tempFile('stdout.mp4', k.stdoutBytes)), '');
  });

  test('no fragments in the range: the AWS CLI error', async () => {
    const [k, a] = await Promise.all([
      kvideo(['get-clip', ...args(START + 100, START + 200), out('none.mp4')]),
      awsCliMissing
        ? undefined
        : aws([
            'kinesis-video-archived-media',
            'get-clip',
            ...args(START + 100, START + 200),
            out('none-a.mp4'),
          ]),
    ]);
    assert.equal(k.code, 255);
    assert.match(
      k.stderr,
      /An error occurred \(ResourceNotFoundException\) when calling the GetClip operation: No fragments found/,
    );
    if (!a) return;
    assert.equal(k.code, a.code);
    assert.equal(k.stderr, a.stderr);
  });
});
