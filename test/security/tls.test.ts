/**
 * `--tls-cert/--tls-key`: HTTPS with the same handler, checked with the AWS SDK (custom https
 * agent trusting the test CA), raw TLS PutMedia, the AWS CLI (`--ca-bundle`, `--no-verify-ssl`)
 * and `kvideo serve` itself with --auth. The certificate is made with openssl per run; the
 * tests skip with a message when openssl is missing.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand, DescribeStreamCommand } from '@aws-sdk/client-kinesis-video';
import { GetMediaCommand } from '@aws-sdk/client-kinesis-video-media';
import { awsCliMissing, awsEnv, runAws } from '../helpers/aws-cli.js';
import { clusters, mkvStream } from '../helpers/mkv-stream.js';
import { startServer, TEST_CREDENTIALS, type TestServer } from '../helpers/server.js';
import {
  ADMIN,
  CREDENTIALS_YAML,
  controlClient,
  mediaClientFor,
  signHeaders,
  startAuthServer,
} from './auth-helpers.js';
import { spawnKvideo } from './child-server.js';
import { putMediaTo } from './raw-put-media.js';

const KVIDEO_BIN = fileURLToPath(new URL('../../../bin/kvideo', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kvideo-tls-'));

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');

const opensslMissing: string | false = (() => {
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore', timeout: 20_000 },
    );
    return false;
  } catch {
    return 'openssl is not installed (or could not make a certificate): TLS tests skipped';
  }
})();
if (opensslMissing) process.stdout.write(`# ${opensslMissing}\n`);

const tlsFiles = () => ({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
const agentOptions = () => ({ requestHandler: { httpsAgent: new Agent({ ca: readFileSync(certFile) }) } });

describe('HTTPS (--tls-cert/--tls-key)', { skip: opensslMissing }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startAuthServer({ tls: tlsFiles(), limits: { getMediaIdleEndMs: 300 } });
  });
  after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the SDK over HTTPS with the CA: control plane, PutMedia (raw TLS) and GetMedia, SigV4 enforced', async () => {
    assert.match(srv.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    const kv = controlClient(srv.endpoint, ADMIN, agentOptions());
    await kv.send(new CreateStreamCommand({ StreamName: 'tls-1', DataRetentionInHours: 1 }));
    const info = await kv.send(new DescribeStreamCommand({ StreamName: 'tls-1' }));
    assert.equal(info.StreamInfo?.Status, 'ACTIVE');
    kv.destroy();

    const headers = await signHeaders(srv.endpoint, '/putMedia', ADMIN, {
      headers: { 'x-amzn-stream-name': 'tls-1' },
    });
    const put = await putMediaTo({
      endpoint: srv.endpoint,
      headers,
      body: mkvStream({ clusters: clusters(2, 0) }),
      ca: readFileSync(certFile),
    });
    assert.equal(put.status, 200, put.body);
    assert.equal(put.acks.filter((a) => a.EventType === 'PERSISTED').length, 2);

    const media = mediaClientFor(srv.endpoint, ADMIN, agentOptions());
    const out = await media.send(
      new GetMediaCommand({ StreamName: 'tls-1', StartSelector: { StartSelectorType: 'EARLIEST' } }),
    );
    const payload = out.Payload as unknown as Readable;
    let bytes = Buffer.alloc(0);
    for await (const part of payload) {
      bytes = Buffer.concat([bytes, part as Buffer]);
      if (bytes.includes(Buffer.from('AWS_KINESISVIDEO_FRAGMENT_NUMBER'))) break;
    }
    payload.destroy();
    media.destroy();
    assert.ok(bytes.length > 0);
  });

  test('without the CA the SDK refuses the self-signed certificate; plain HTTP to the port fails', async () => {
    const kv = controlClient(srv.endpoint, ADMIN);
    await assert.rejects(
      kv.send(new DescribeStreamCommand({ StreamName: 'tls-1' })),
      /self[- ]signed certificate|unable to verify/i,
    );
    kv.destroy();
    const plain = controlClient(srv.endpoint.replace('https:', 'http:'), ADMIN);
    await assert.rejects(plain.send(new DescribeStreamCommand({ StreamName: 'tls-1' })));
    plain.destroy();
  });

  test(
    'the AWS CLI with --ca-bundle and with --no-verify-ssl; without either it fails',
    { skip: awsCliMissing },
    async () => {
      const env = awsEnv({
        AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
      });
      const ok = await runAws(
        ['kinesisvideo', 'describe-stream', '--stream-name', 'tls-1', '--ca-bundle', certFile],
        srv.endpoint,
        env,
      );
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(JSON.parse(ok.stdout).StreamInfo.StreamName, 'tls-1');
      const insecure = await runAws(
        ['kinesisvideo', 'describe-stream', '--stream-name', 'tls-1', '--no-verify-ssl'],
        srv.endpoint,
        env,
      );
      assert.equal(insecure.code, 0, insecure.stderr);
      const refused = await runAws(
        ['kinesisvideo', 'describe-stream', '--stream-name', 'tls-1'],
        srv.endpoint,
        env,
      );
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /SSL|certificate/i);

      const out = join(dir, 'out.mkv');
      const media = await runAws(
        [
          'kinesis-video-media',
          'get-media',
          '--stream-name',
          'tls-1',
          '--start-selector',
          'StartSelectorType=EARLIEST',
          '--ca-bundle',
          certFile,
          out,
        ],
        srv.endpoint,
        env,
      );
      assert.equal(media.code, 0, media.stderr);
      assert.ok(existsSync(out), media.stderr);
      assert.ok(readFileSync(out).includes(Buffer.from('AWS_KINESISVIDEO_FRAGMENT_NUMBER')), media.stderr);

      const wrongKey = await runAws(
        ['kinesisvideo', 'describe-stream', '--stream-name', 'tls-1', '--ca-bundle', certFile],
        srv.endpoint,
        awsEnv({ AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: 'wrong' }),
      );
      assert.equal(wrongKey.code, 255);
      assert.match(wrongKey.stderr, /\(InvalidSignatureException\)/);
    },
  );

  test('kvideo get-media (the kvideo CLI) with --ca-bundle and with --no-verify-ssl', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-west-2',
    };
    for (const trust of [['--ca-bundle', certFile], ['--no-verify-ssl']]) {
      const out = join(dir, `kvideo-${trust[0]!.slice(2)}.mkv`);
      const res = await run(
        process.execPath,
        [
          KVIDEO_BIN,
          'get-media',
          '--endpoint-url',
          srv.endpoint,
          '--stream-name',
          'tls-1',
          '--start-selector',
          'StartSelectorType=EARLIEST',
          ...trust,
          out,
        ],
        env,
      );
      assert.equal(res.code, 0, res.stderr);
      assert.ok(readFileSync(out).includes(Buffer.from('AWS_KINESISVIDEO_FRAGMENT_NUMBER')), res.stderr);
    }
    const refused = await run(
      process.execPath,
      [
        KVIDEO_BIN,
        'get-media',
        '--endpoint-url',
        srv.endpoint,
        '--stream-name',
        'tls-1',
        '--start-selector',
        'StartSelectorType=EARLIEST',
        join(dir, 'x.mkv'),
      ],
      env,
    );
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /certificate|SSL|TLS/i);
  });

  test('kvideo serve --tls-cert --tls-key --auth serves HTTPS with SigV4 enforced', async () => {
    const authFile = join(dir, 'credentials.yaml');
    writeFileSync(authFile, CREDENTIALS_YAML);
    const dataDir = mkdtempSync(join(tmpdir(), 'kvideo-tls-data-'));
    const child = await spawnKvideo([
      '--data-dir',
      dataDir,
      '--tls-cert',
      certFile,
      '--tls-key',
      keyFile,
      '--auth',
      authFile,
    ]);
    try {
      assert.match(child.endpoint, /^https:/);
      const kv = controlClient(child.endpoint, ADMIN, agentOptions());
      await kv.send(new CreateStreamCommand({ StreamName: 'child' }));
      kv.destroy();
      const anon = controlClient(child.endpoint, TEST_CREDENTIALS, agentOptions());
      await assert.rejects(anon.send(new DescribeStreamCommand({ StreamName: 'child' })), {
        name: 'UnrecognizedClientException',
      });
      anon.destroy();
      assert.ok(statSync(join(dataDir, 'meta.lmdb')).isFile());
    } finally {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

test('kvideo serve refuses --tls-cert without --tls-key, and a broken --auth file', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kvideo-tls-args-'));
  try {
    await assert.rejects(
      spawnKvideo(['--data-dir', dataDir, '--tls-cert', 'x.pem']),
      /--tls-cert and --tls-key/,
    );
    const bad = join(dataDir, 'bad.yaml');
    writeFileSync(bad, 'credentials: [{accessKeyId: A}]');
    await assert.rejects(spawnKvideo(['--data-dir', dataDir, '--auth', bad]), /secretAccessKey/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('plain HTTP servers are unaffected by the TLS option being absent', async () => {
  const srv = await startServer();
  try {
    assert.match(srv.endpoint, /^http:\/\//);
  } finally {
    await srv.close();
  }
});
