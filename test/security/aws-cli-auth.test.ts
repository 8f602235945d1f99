/**
 * `--auth` against the real AWS CLI (botocore's signer: `content-type;host;x-amz-date`, body
 * hash, integer-second clock): accepted with a listed key, and each failure printed the way the
 * CLI prints AWS errors (exit 255, "An error occurred (<Code>) ...").
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCliMissing, awsEnv, runAws } from '../helpers/aws-cli.js';
import { clusters, mkvStream } from '../helpers/mkv-stream.js';
import { tempDir, type TestServer } from '../helpers/server.js';
import { ADMIN, CAMERA, UNKNOWN, signHeaders, startAuthServer, type Key } from './auth-helpers.js';
import { putMediaTo } from './raw-put-media.js';

const envFor = (key: Key) =>
  awsEnv({ AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey });

describe('SigV4 enforcement with the AWS CLI', { skip: awsCliMissing }, () => {
  let srv: TestServer;
  const out = tempDir('kvideo-cli-auth-');
  before(async () => {
    srv = await startAuthServer({ limits: { getMediaIdleEndMs: 300 } });
  });
  after(async () => {
    await srv.close();
    rmSync(out, { recursive: true, force: true });
  });

  test('listed keys work for control plane, GetMedia and ListFragments', async () => {
    const created = await runAws(
      ['kinesisvideo', 'create-stream', '--stream-name', 'cam-cli', '--data-retention-in-hours', '1'],
      srv.endpoint,
      envFor(ADMIN),
    );
    assert.equal(created.code, 0, created.stderr);
    const headers = await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
      headers: { 'x-amzn-stream-name': 'cam-cli' },
    });
    const put = await putMediaTo({
      endpoint: srv.endpoint,
      headers,
      body: mkvStream({ clusters: clusters(2, 0) }),
    });
    assert.equal(put.status, 200, put.body);

    const file = join(out, 'cam.mkv');
    const media = await runAws(
      [
        'kinesis-video-media',
        'get-media',
        '--stream-name',
        'cam-cli',
        '--start-selector',
        'StartSelectorType=EARLIEST',
        file,
      ],
      srv.endpoint,
      envFor(CAMERA),
    );
    assert.equal(media.code, 0, media.stderr);
    assert.ok(
      existsSync(file) && readFileSync(file).includes(Buffer.from('AWS_KINESISVIDEO_FRAGMENT_NUMBER')),
    );
    const listed = await runAws(
      ['kinesis-video-archived-media', 'list-fragments', '--stream-name', 'cam-cli'],
      srv.endpoint,
      envFor(CAMERA),
    );
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(JSON.parse(listed.stdout).Fragments.length, 2);
  });

  test('failures are the AWS errors the CLI knows', async () => {
    const cases: [Key, string[], RegExp][] = [
      [
        UNKNOWN,
        ['kinesisvideo', 'list-streams'],
        /An error occurred \(UnrecognizedClientException\) when calling the ListStreams operation: The security token included in the request is invalid\./,
      ],
      [
        { ...ADMIN, secretAccessKey: 'wrong' },
        ['kinesisvideo', 'list-streams'],
        /\(InvalidSignatureException\).*The request signature we calculated does not match/,
      ],
      [
        CAMERA,
        ['kinesisvideo', 'describe-stream', '--stream-name', 'elsewhere'],
        /\(NotAuthorizedException\) when calling the DescribeStream operation: User: AKIDCAMERA is not authorized/,
      ],
      [
        CAMERA,
        [
          'kinesis-video-media',
          'get-media',
          '--stream-name',
          'other',
          '--start-selector',
          'StartSelectorType=NOW',
          join(out, 'x.mkv'),
        ],
        /\(NotAuthorizedException\) when calling the GetMedia operation/,
      ],
    ];
    for (const [key, args, expected] of cases) {
      const res = await runAws(args, srv.endpoint, envFor(key));
      assert.equal(res.code, 255, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, expected);
    }
  });
});
