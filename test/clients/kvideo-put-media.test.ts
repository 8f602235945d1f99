/** `kvideo put-media` as a subprocess: ACK lines on stdout, exit codes, real-time pacing. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import {
  controlPlaneClient,
  startServer,
  tempDir,
  TEST_CREDENTIALS,
  type TestServer,
} from '../helpers/server.js';
import { countKeyFrames, ffprobeMissing, fixture } from '../helpers/tools.js';

const BIN = fileURLToPath(new URL('../../../bin/kvideo', import.meta.url));

function kvideo(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: tempDir(),
          AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
          AWS_REGION: 'us-west-2',
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr, ms: Date.now() - started }),
    );
  });
}

describe('kvideo put-media', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
    const kv = controlPlaneClient(srv.endpoint);
    for (const name of ['cli-put', 'cli-live', 'cli-bad']) {
      await kv.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: 1 }));
    }
    kv.destroy();
  });
  after(async () => {
    await srv.close();
  });

  test(
    'uploads a file (signed with the credential chain) and prints every ACK as a JSON line',
    { skip: ffprobeMissing },
    async () => {
      const res = await kvideo([
        'put-media',
        '--stream-name',
        'cli-put',
        '--endpoint-url',
        srv.endpoint,
        fixture('h264-aac.mkv'),
      ]);
      assert.equal(res.code, 0, res.stderr);
      const acks = res.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { EventType: string });
      const expected = await countKeyFrames(fixture('h264-aac.mkv'));
      assert.equal(acks.filter((a) => a.EventType === 'PERSISTED').length, expected);
    },
  );

  test('--live paces clusters by their timecodes', async () => {
    const res = await kvideo([
      'put-media',
      '--stream-name',
      'cli-live',
      '--endpoint-url',
      srv.endpoint,
      '--no-sign-request',
      '--live',
      fixture('h264-only.mkv'),
    ]);
    assert.equal(res.code, 0, res.stderr);
    // The fixture's four clusters start at 0, 1, 2 and 3 s: paced, the upload cannot end sooner.
    assert.ok(res.ms >= 2900, `took ${res.ms} ms`);
  });

  test('an ERROR ACK exits 1; a refused request prints the AWS error and exits 255', async () => {
    const garbage = join(tempDir(), 'garbage.mkv');
    writeFileSync(garbage, 'definitely not matroska');
    const bad = await kvideo([
      'put-media',
      '--stream-name',
      'cli-bad',
      '--endpoint-url',
      srv.endpoint,
      garbage,
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /"ErrorCode":"INVALID_MKV_DATA"/);
    const missing = await kvideo([
      'put-media',
      '--stream-name',
      'nope',
      '--endpoint-url',
      srv.endpoint,
      garbage,
    ]);
    assert.equal(missing.code, 255);
    assert.match(
      missing.stderr,
      /An error occurred \(ResourceNotFoundException\) when calling the PutMedia operation/,
    );
    const usage = await kvideo(['put-media', '--endpoint-url', srv.endpoint, garbage]);
    // Like the AWS CLI's "Parameter validation failed" (a missing one-of member): exit 255.
    assert.equal(usage.code, 255);
    assert.match(usage.stderr, /--stream-name/);
  });
});
