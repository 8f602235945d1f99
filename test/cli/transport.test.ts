/**
 * Credentials, signing and transport options, each checked on the wire: SigV4 signatures
 * recomputed by a stub endpoint with the SDK's signer (and by kvideo's own `--auth` verifier),
 * profiles and region from a temporary HOME (~/.aws/credentials and ~/.aws/config),
 * --no-sign-request, --cli-read-timeout / --cli-connect-timeout against servers that never
 * answer or never accept, and TLS with --no-verify-ssl / --ca-bundle.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseCredentials } from '../../src/auth/index.js';
import { awsCliMissing } from '../helpers/aws-cli.js';
import { clusters, mkvStream } from '../helpers/mkv-stream.js';
import { startServer, TEST_CREDENTIALS } from '../helpers/server.js';
import { aws, cliEnv, kvideo, tempHome } from './helpers/run-cli.js';
import { startSigV4Stub, TLS_CERT } from './helpers/sigv4-stub.js';

const KEY1 = { id: 'AKIDPROFILEDEFAULT', secret: 'default/secret+1' };
const KEY2 = { id: 'AKIDPROFILEOTHER', secret: 'other-secret-2' };

const NO_ENV_CREDS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_DEFAULT_REGION: undefined,
};

describe('signing and credentials', () => {
  let stub: Awaited<ReturnType<typeof startSigV4Stub>>;
  before(async () => {
    stub = await startSigV4Stub({
      [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.secretAccessKey,
      [KEY1.id]: KEY1.secret,
      [KEY2.id]: KEY2.secret,
    });
  });
  after(() => stub.close());

  const seenFor = (path: string, from: number) => stub.seen.slice(from).filter((s) => s.path === path);

  test('requests are SigV4-signed (service kinesisvideo) with the right key; a wrong key fails', async () => {
    const oneCluster = join(tempHome(), 'one.mkv');
    writeFileSync(oneCluster, mkvStream({ clusters: clusters(1) }));
    const from = stub.seen.length;
    const E = ['--endpoint-url', stub.endpoint];
    const [ok, media, put, wrong] = await Promise.all([
      kvideo(['describe-stream', '--stream-name', 'stub', ...E]),
      kvideo([
        'get-media',
        '--stream-name',
        'stub',
        '--start-selector',
        'StartSelectorType=NOW',
        '/dev/null',
        ...E,
      ]),
      // One cluster: the stub acknowledges one fragment, and put-media checks that all were stored.
      kvideo(['put-media', '--stream-name', 'stub', oneCluster, ...E]),
      kvideo(['list-streams', ...E], { env: cliEnv({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }) }),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(media.code, 0, media.stderr);
    assert.equal(put.code, 0, put.stderr);
    assert.equal(put.stdout, '{"EventType":"PERSISTED","FragmentTimecode":0,"FragmentNumber":"1"}\n');
    for (const path of ['/describeStream', '/getMedia', '/putMedia']) {
      const [s] = seenFor(path, from);
      assert.deepEqual(
        [s?.valid, s?.accessKeyId, s?.region, s?.service],
        [true, TEST_CREDENTIALS.accessKeyId, 'us-west-2', 'kinesisvideo'],
        path,
      );
    }
    assert.equal(wrong.code, 255);
    assert.equal(
      wrong.stderr,
      '\nAn error occurred (InvalidSignatureException) when calling the ListStreams operation: ' +
        'The request signature we calculated does not match the signature you provided.\n',
    );
  });

  test("kvideo serve's own SigV4 verifier accepts the CLI's signatures and rejects a wrong key", async () => {
    const srv = await startServer({
      credentials: parseCredentials(
        `credentials:\n  - accessKeyId: ${KEY1.id}\n    secretAccessKey: "${KEY1.secret}"\n`,
      ),
    });
    try {
      const env = (secret: string) => cliEnv({ AWS_ACCESS_KEY_ID: KEY1.id, AWS_SECRET_ACCESS_KEY: secret });
      const [ok, bad] = await Promise.all([
        kvideo(['create-stream', '--stream-name', 'signed', '--endpoint-url', srv.endpoint], {
          env: env(KEY1.secret),
        }),
        kvideo(['list-streams', '--endpoint-url', srv.endpoint], { env: env('wrong') }),
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(JSON.parse(ok.stdout).StreamARN, /stream\/signed\//);
      assert.equal(bad.code, 255);
      assert.match(bad.stderr, /^\nAn error occurred \(\w+\) when calling the ListStreams operation: /);
    } finally {
      await srv.close();
    }
  });

  test('profiles, region and output from ~/.aws/config and ~/.aws/credentials', async () => {
    const HOME = tempHome({
      '.aws/credentials': `[default]\naws_access_key_id = ${KEY1.id}\naws_secret_access_key = ${KEY1.secret}\n\n[other]\naws_access_key_id=${KEY2.id}\naws_secret_access_key=${KEY2.secret}\n`,
      '.aws/config':
        '[default]\nregion = eu-west-1\noutput = text\n\n# comment\n[profile other]\nregion = ap-south-1\n',
    });
    const env = (extra: Record<string, string | undefined> = {}) =>
      cliEnv({ ...NO_ENV_CREDS, HOME, ...extra });
    const E = ['--endpoint-url', stub.endpoint];
    const from = stub.seen.length;
    const runs = await Promise.all([
      kvideo(['describe-stream', '--stream-name', 'a', ...E], { env: env() }),
      kvideo(['describe-stream', '--stream-name', 'b', '--profile', 'other', ...E], { env: env() }),
      kvideo(['describe-stream', '--stream-name', 'c', ...E], { env: env({ AWS_PROFILE: 'other' }) }),
      // An explicit --profile wins over keys in the environment (botocore's rule).
      kvideo(['describe-stream', '--stream-name', 'd', '--profile', 'other', '--region', 'us-east-2', ...E], {
        env: env({ AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env' }),
      }),
      kvideo(['describe-stream', '--stream-name', 'e', '--profile', 'nope', ...E], { env: env() }),
      kvideo(['describe-stream', '--stream-name', 'f', ...E], { env: cliEnv(NO_ENV_CREDS) }),
      kvideo(['describe-stream', '--stream-name', 'g', '--region', 'us-west-2', ...E], {
        env: cliEnv(NO_ENV_CREDS),
      }),
    ]);
    const [byDefault, byOption, byEnv, overEnv, missing, noRegion, noCreds] = runs;
    assert.equal(byDefault!.code, 0, byDefault!.stderr);
    assert.equal(
      byDefault!.stdout,
      'STREAMINFO\t1700000000.5\tACTIVE\tstub\n',
      'output = text from the profile',
    );
    assert.equal(byOption!.code, 0, byOption!.stderr);
    assert.equal(byOption!.stdout.startsWith('{\n    "StreamInfo": {'), true);
    const described = stub.seen.slice(from).filter((s) => s.path === '/describeStream');
    const byStream = new Map(described.map((d) => [d.accessKeyId + '/' + d.region, d.valid]));
    assert.equal(byStream.get(`${KEY1.id}/eu-west-1`), true, 'default profile: key and region');
    assert.equal(byStream.get(`${KEY2.id}/ap-south-1`), true, '--profile other and AWS_PROFILE=other');
    assert.equal(
      byStream.get(`${KEY2.id}/us-east-2`),
      true,
      '--profile beats env keys; --region beats the profile',
    );
    assert.equal(byEnv!.code, 0, byEnv!.stderr);
    assert.equal(overEnv!.code, 0, overEnv!.stderr);
    assert.deepEqual(
      [missing!.code, missing!.stderr],
      [255, '\nThe config profile (nope) could not be found\n'],
    );
    assert.deepEqual(
      [noRegion!.code, noRegion!.stderr],
      [255, 'You must specify a region. You can also configure your region by running "aws configure".\n'],
    );
    assert.deepEqual(
      [noCreds!.code, noCreds!.stderr],
      [255, 'Unable to locate credentials. You can configure credentials by running "aws configure".\n'],
    );
  });

  test('--no-sign-request sends no signature and loads no credentials', async () => {
    const from = stub.seen.length;
    const run = await kvideo(
      ['list-streams', '--no-sign-request', '--endpoint-url', stub.endpoint, '--region', 'us-west-2'],
      {
        env: cliEnv(NO_ENV_CREDS),
      },
    );
    assert.equal(run.code, 0, run.stderr);
    const [s] = stub.seen.slice(from);
    assert.equal(s?.signed, false);
    assert.equal(s?.headers['x-amz-date'], undefined);
  });
});

/** A server that accepts connections and never answers. */
async function stallServer(): Promise<{ server: Server; url: string }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/** A listening socket whose accept queue is full: new connections never complete. */
async function neverAccepting(): Promise<{ child: ChildProcess; url: string; fillers: Socket[] }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>console.log(s.address().port))",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((r) =>
    child.stdout!.once('data', (d: Buffer) => r(Number(String(d).trim()))),
  );
  child.kill('SIGSTOP');
  const fillers = Array.from({ length: 4 }, () => connect(port, '127.0.0.1').on('error', () => undefined));
  await new Promise((r) => setTimeout(r, 200));
  return { child, url: `http://127.0.0.1:${port}`, fillers };
}

describe('timeouts and TLS', () => {
  test('--cli-read-timeout and --cli-connect-timeout fail fast with the AWS CLI messages', async () => {
    const stall = await stallServer();
    const closed = await neverAccepting();
    try {
      const [read, media, conn, noTimeout, ref] = await Promise.all([
        kvideo(['list-streams', '--endpoint-url', stall.url, '--cli-read-timeout', '1']),
        kvideo([
          'get-media',
          '--endpoint-url',
          stall.url,
          '--cli-read-timeout',
          '1',
          '--stream-name',
          's',
          '--start-selector',
          'StartSelectorType=NOW',
          '/dev/null',
        ]),
        kvideo(['list-streams', '--endpoint-url', closed.url, '--cli-connect-timeout', '1']),
        // 0 = no timeout: still waiting when the test gives up on it.
        kvideo(['list-streams', '--endpoint-url', stall.url, '--cli-read-timeout', '0'], { timeoutMs: 3000 }),
        awsCliMissing
          ? undefined
          : aws(['kinesisvideo', 'list-streams', '--endpoint-url', stall.url, '--cli-read-timeout', '1']),
      ]);
      assert.deepEqual(
        [read.code, read.stderr],
        [255, `\nRead timeout on endpoint URL: "${stall.url}/listStreams"\n`],
      );
      assert.deepEqual(
        [media.code, media.stderr],
        [255, `\nRead timeout on endpoint URL: "${stall.url}/getMedia"\n`],
      );
      assert.deepEqual(
        [conn.code, conn.stderr],
        [255, `\nConnect timeout on endpoint URL: "${closed.url}/listStreams"\n`],
      );
      assert.equal(noTimeout.code, -1, 'killed by the test, not timed out');
      if (ref) assert.deepEqual([ref.code, ref.stderr], [read.code, read.stderr]);
    } finally {
      stall.server.close();
      closed.fillers.forEach((s) => s.destroy());
      closed.child.kill('SIGKILL');
    }
  });

  test('https: certificate verified by default, --ca-bundle and --no-verify-ssl', async () => {
    const stub = await startSigV4Stub(
      { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.secretAccessKey },
      { tls: true },
    );
    try {
      const E = [
        'list-streams',
        '--endpoint-url',
        stub.endpoint,
        '--query',
        'StreamInfoList[0].StreamName',
        '--output',
        'text',
      ];
      const [strict, bundle, envBundle, insecure] = await Promise.all([
        kvideo(E),
        kvideo([...E, '--ca-bundle', TLS_CERT]),
        kvideo(E, { env: cliEnv({ AWS_CA_BUNDLE: TLS_CERT }) }),
        kvideo([...E, '--no-verify-ssl']),
      ]);
      assert.equal(strict.code, 255);
      assert.match(strict.stderr, new RegExp(`^\\nSSL validation failed for ${stub.endpoint}/listStreams `));
      for (const r of [bundle, envBundle, insecure])
        assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'stub\n', '']);
      assert.ok(
        stub.seen.every((s) => s.valid === true),
        'signed over TLS too',
      );
    } finally {
      await stub.close();
    }
  });
});
