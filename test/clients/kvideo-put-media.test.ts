/**
 * `kvideo put-media` as a subprocess: ACK lines on stdout, the summary on stderr, real-time
 * pacing, and its exit codes on every path, so it can never report success for data that was
 * not stored: 0 all stored; 1 after an ERROR ACK (with and without --live) or fewer fragments
 * stored than sent; 255 when the server is down, the host does not resolve, the request is
 * refused (404, 401/403 from an --auth server) or the server dies mid-upload.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { ListFragmentsCommand } from '@aws-sdk/client-kinesis-video-archived-media';
import {
  ADMIN,
  CAMERA,
  UNKNOWN,
  archivedClientFor,
  controlClient,
  startAuthServer,
} from '../security/auth-helpers.js';
import { BIN, cliEnv, kvideo, type CliRun } from '../cli/helpers/run-cli.js';
import { cluster, clusters, mkvStream } from '../helpers/mkv-stream.js';
import { spawnServer } from '../helpers/server-process.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { countKeyFrames, ffprobeMissing, fixture } from '../helpers/tools.js';

const NO_DNS = new URL('./unresolvable-dns.js', import.meta.url).href;
const SUMMARY = /^put-media: (\d+) fragments sent, (\d+) received, (\d+) persisted.*, (\d+) errors$/m;

function summary(run: CliRun): { sent: number; received: number; persisted: number; errors: number } {
  const m = SUMMARY.exec(run.stderr);
  assert.ok(m, `no summary on stderr: ${run.stderr}`);
  const [sent, received, persisted, errors] = m.slice(1).map(Number) as [number, number, number, number];
  return { sent, received, persisted, errors };
}

function acks(run: CliRun): { EventType: string; ErrorId?: number; ErrorCode?: string }[] {
  return run.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { EventType: string });
}

/** One-second key-frame clusters with timecodes `tcs` (ms), 25 frames of `frameSize` bytes each. */
function mkvWithTimecodes(tcs: number[], frameSize = 64): Uint8Array {
  return mkvStream({
    clusters: tcs.map((timecode) =>
      cluster({
        timecode,
        blocks: Array.from({ length: 25 }, (_, f) => ({ rel: f * 40, key: f === 0, size: frameSize })),
      }),
    ),
  });
}

function writeTemp(name: string, data: Uint8Array | string): string {
  const file = join(tempDir('kvideo-put-'), name);
  writeFileSync(file, data);
  return file;
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const put = (endpoint: string, stream: string, file: string, extra: string[] = []): Promise<CliRun> =>
  kvideo(['put-media', '--stream-name', stream, '--endpoint-url', endpoint, ...extra, file], {
    timeoutMs: 60_000,
  });

describe('kvideo put-media', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
    const kv = controlPlaneClient(srv.endpoint);
    for (const name of ['cli-put', 'cli-live', 'cli-bad', 'cli-err', 'cli-err-live', 'cli-cut']) {
      await kv.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: 1 }));
    }
    // No DataRetentionInHours: retention 0, the stream keeps nothing and sends no PERSISTED.
    await kv.send(new CreateStreamCommand({ StreamName: 'cli-volatile' }));
    kv.destroy();
  });
  after(async () => {
    await srv.close();
  });

  test(
    'uploads a file (signed with the credential chain), prints every ACK and a summary, exit 0',
    { skip: ffprobeMissing },
    async () => {
      const res = await put(srv.endpoint, 'cli-put', fixture('h264-aac.mkv'));
      assert.equal(res.code, 0, res.stderr);
      const expected = await countKeyFrames(fixture('h264-aac.mkv'));
      assert.equal(acks(res).filter((a) => a.EventType === 'PERSISTED').length, expected);
      assert.deepEqual(summary(res), { sent: expected, received: expected, persisted: expected, errors: 0 });
    },
  );

  test('a stream with retention 0 counts RECEIVED as stored and says so', async () => {
    const file = writeTemp('four.mkv', mkvStream({ clusters: clusters(4) }));
    const res = await put(srv.endpoint, 'cli-volatile', file);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(acks(res).filter((a) => a.EventType === 'PERSISTED').length, 0);
    assert.deepEqual(summary(res), { sent: 4, received: 4, persisted: 0, errors: 0 });
    assert.match(res.stderr, /the stream keeps no data: RECEIVED counts as stored/);
  });

  test('--live paces clusters by their timecodes', async () => {
    const res = await put(srv.endpoint, 'cli-live', fixture('h264-only.mkv'), [
      '--no-sign-request',
      '--live',
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(summary(res).persisted, 4);
    assert.equal(summary(res).sent, 4);
  });

  test('ERROR ACK without --live: the ERROR line is printed and the exit is 1 (every run)', async () => {
    // The third cluster goes back before the second (4004) while the rest of the ~500 KB is still being
    // written: a server that closed at once then reset the connection and the client lost the
    // ERROR line (and so reported a broken connection, not the ERROR) in most runs.
    const tcs = Array.from({ length: 10 }, (_, i) => (i === 2 ? 500 : i * 1000));
    const file = writeTemp('backwards.mkv', mkvWithTimecodes(tcs, 2000));
    for (let run = 0; run < 5; run++) {
      const res = await put(srv.endpoint, 'cli-err', file);
      assert.equal(res.code, 1, `run ${run}: ${res.stderr}`);
      const errors = acks(res).filter((a) => a.EventType === 'ERROR');
      assert.deepEqual(
        errors.map((a) => [a.ErrorId, a.ErrorCode]),
        [[4004, 'FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS']],
        `run ${run}: ${res.stdout}`,
      );
      const s = summary(res);
      assert.equal(s.errors, 1);
      assert.ok(s.persisted < s.sent, `${s.persisted} of ${s.sent}`);
      assert.match(
        res.stderr,
        /\nPutMedia failed with ERROR 4004 FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS at fragment timecode 500: \d+ of \d+ fragments sent were not persisted\.\n$/,
      );
    }
  });

  test('ERROR ACK with --live: the upload stops, the ERROR line is printed, exit 1', async () => {
    const file = writeTemp('backwards-live.mkv', mkvWithTimecodes([0, 1000, 500, 1500, 2000, 2500, 30_000]));
    const res = await put(srv.endpoint, 'cli-err-live', file, ['--live']);
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stdout, /"ErrorId":4004,"ErrorCode":"FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"/);
    // The 30 s cluster was never due: the ERROR ended the upload first.
    assert.ok(summary(res).sent < 7, res.stderr);
    assert.match(res.stderr, /PutMedia failed with ERROR 4004/);
  });

  test('input that is not Matroska: ERROR 4006, exit 1', async () => {
    const res = await put(srv.endpoint, 'cli-bad', writeTemp('garbage.mkv', 'definitely not matroska'));
    assert.equal(res.code, 1);
    assert.match(res.stdout, /"ErrorCode":"INVALID_MKV_DATA"/);
    assert.match(res.stderr, /\nPutMedia failed with ERROR 4006 INVALID_MKV_DATA\.\n$/);
  });

  test('a cluster cut off at the end of the input is not stored: exit 1 with the shortfall', async () => {
    const whole = mkvStream({ clusters: clusters(3) });
    const res = await put(
      srv.endpoint,
      'cli-cut',
      writeTemp('cut.mkv', whole.subarray(0, whole.length - 200)),
    );
    assert.equal(res.code, 1, res.stderr);
    assert.deepEqual(summary(res), { sent: 3, received: 2, persisted: 2, errors: 0 });
    assert.match(res.stderr, /\nThe ACK stream ended early: 1 of 3 fragments sent were not persisted\.\n$/);
  });

  test('refused (unknown stream), missing file, missing stream argument: exit 255', async () => {
    const file = writeTemp('garbage.mkv', 'definitely not matroska');
    const missing = await put(srv.endpoint, 'nope', file);
    assert.equal(missing.code, 255);
    assert.match(
      missing.stderr,
      /An error occurred \(ResourceNotFoundException\) when calling the PutMedia operation/,
    );
    const noFile = await put(srv.endpoint, 'cli-put', join(tempDir(), 'absent.mkv'));
    assert.equal(noFile.code, 255);
    assert.match(noFile.stderr, /Could not read .*absent\.mkv: ENOENT/);
    const usage = await kvideo(['put-media', '--endpoint-url', srv.endpoint, file]);
    // Like the AWS CLI's "Parameter validation failed" (a missing one-of member): exit 255.
    assert.equal(usage.code, 255);
    assert.match(usage.stderr, /--stream-name/);
  });

  test('server down (connection refused) and unresolvable host: exit 255 with the reason', async () => {
    const file = fixture('h264-only.mkv');
    const port = await closedPort();
    for (const live of [false, true]) {
      const down = await put(`http://127.0.0.1:${port}`, 'cam', file, live ? ['--live'] : []);
      assert.equal(down.code, 255, down.stderr);
      assert.equal(down.stdout, '');
      assert.equal(
        down.stderr,
        `\nCould not connect to the endpoint URL: "http://127.0.0.1:${port}/putMedia"\n`,
      );
    }
    const unknown = await kvideo(
      ['put-media', '--stream-name', 'cam', '--endpoint-url', 'http://kvideo-test.invalid:4567', file],
      { env: cliEnv({ NODE_OPTIONS: `--import=${NO_DNS}` }) },
    );
    assert.equal(unknown.code, 255, unknown.stderr);
    assert.equal(
      unknown.stderr,
      '\nCould not connect to the endpoint URL: "http://kvideo-test.invalid:4567/putMedia"\n',
    );
  });
});

describe('kvideo put-media against a server that dies mid-upload', () => {
  test('--live, server killed after the first PERSISTED: exit 255, ACKs so far and the summary', async () => {
    const dataDir = tempDir();
    const server = await spawnServer(dataDir);
    const kv = controlPlaneClient(server.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'doomed', DataRetentionInHours: 1 }));
    kv.destroy();
    const file = writeTemp('ten.mkv', mkvStream({ clusters: clusters(10) }));
    const child = spawn(
      process.execPath,
      [BIN, 'put-media', '--stream-name', 'doomed', '--endpoint-url', server.endpoint, '--live', file],
      { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let killed: Promise<unknown> | undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!killed && stdout.includes('"PERSISTED"')) killed = server.kill('SIGKILL');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    await killed;
    if (!killed) await server.kill('SIGKILL');
    const run = { code: code ?? -1, stdout, stderr, stdoutBytes: Buffer.from(stdout) };
    assert.ok(killed, `the server was never killed: ${stdout}${stderr}`);
    assert.equal(run.code, 255, stderr);
    const s = summary(run);
    assert.ok(s.persisted >= 1 && s.persisted < 10, stderr);
    assert.match(
      stderr,
      /\nThe connection broke off before the ACK stream ended \(.+\): \d+ of \d+ fragments sent were stored\.\n$/,
    );
  });
});

describe('kvideo put-media against an --auth server', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startAuthServer();
    const client = controlClient(srv.endpoint, ADMIN);
    for (const name of ['cam-1', 'lab-1']) {
      await client.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: 1 }));
    }
    client.destroy();
  });
  after(async () => {
    await srv.close();
  });

  const as = (key: { accessKeyId: string; secretAccessKey: string }) =>
    cliEnv({ AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey });

  test('403 (unknown key) and 401 (key restricted to other streams): exit 255 every time', async () => {
    // Large enough that the upload is still being sent when the refusal comes back.
    const file = writeTemp('big.mkv', mkvStream({ clusters: clusters(20, 0, 8000) }));
    for (let run = 0; run < 5; run++) {
      const denied = await kvideo(
        ['put-media', '--stream-name', 'cam-1', '--endpoint-url', srv.endpoint, file],
        { env: as(UNKNOWN) },
      );
      assert.equal(denied.code, 255, `run ${run}: ${denied.stderr}`);
      assert.match(
        denied.stderr,
        /^\nAn error occurred \(UnrecognizedClientException\) when calling the PutMedia operation: /,
      );
      const restricted = await kvideo(
        ['put-media', '--stream-name', 'lab-1', '--endpoint-url', srv.endpoint, file],
        { env: as(CAMERA) },
      );
      assert.equal(restricted.code, 255, `run ${run}: ${restricted.stderr}`);
      assert.match(
        restricted.stderr,
        /^\nAn error occurred \(NotAuthorizedException\) when calling the PutMedia operation: /,
      );
    }
    const unsigned = await kvideo([
      'put-media',
      '--no-sign-request',
      '--stream-name',
      'cam-1',
      '--endpoint-url',
      srv.endpoint,
      file,
    ]);
    assert.equal(unsigned.code, 255);
    assert.match(unsigned.stderr, /\(MissingAuthenticationTokenException\)/);
    // A permitted key stores everything (DescribeStream is allowed to it: PERSISTED is expected).
    const ok = await kvideo(['put-media', '--stream-name', 'cam-1', '--endpoint-url', srv.endpoint, file], {
      env: as(CAMERA),
      timeoutMs: 60_000,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(summary(ok), { sent: 20, received: 20, persisted: 20, errors: 0 });
    const listed = await archivedClientFor(srv.endpoint, ADMIN).send(
      new ListFragmentsCommand({ StreamName: 'cam-1' }),
    );
    assert.equal(listed.Fragments?.length, 20);
  });
});
