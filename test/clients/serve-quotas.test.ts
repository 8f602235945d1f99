/**
 * `kvideo serve` quota and limit flags (issue #14, issue #11): each KVS per-stream quota can be set
 * or lifted, `--unthrottled` lifts them all, and with the defaults the KVS errors come back as
 * before (spec §6.5: 3 concurrent GetMedia per stream, 5 calls per second). The servers are real
 * `kvideo serve` processes; the flag parsing and the exposure warning are also checked directly.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { exposureWarning, isLoopbackHost, SERVE_USAGE } from '../../src/serve-command.js';
import { UNLIMITED_PLAYBACK } from '../../src/playback/index.js';
import { limitsFromFlags, parseSize } from '../../src/serve-limits.js';
import { tempDir } from '../helpers/server.js';
import { postJson } from '../reliability/harness.js';
import { spawnKvideo, type Child } from '../security/child-server.js';

interface OpenReader {
  status: number;
  errorType: string | undefined;
  req: ClientRequest;
}

/** Opens a GetMedia and resolves at the response head; the connection stays open until destroyed. */
function openReader(endpoint: string, stream: string): Promise<OpenReader> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/getMedia`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        const errorType = res.headers['x-amzn-errortype'];
        resolve({
          status: res.statusCode ?? 0,
          errorType: typeof errorType === 'string' ? errorType : undefined,
          req,
        });
        res.resume();
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('GetMedia timed out')));
    req.on('error', reject);
    req.end(JSON.stringify({ StreamName: stream, StartSelector: { StartSelectorType: 'NOW' } }));
  });
}

/** Ten readers of one stream at the same time; returns their statuses and error types. */
async function tenReaders(srv: Child, stream: string): Promise<OpenReader[]> {
  const res = await postJson(srv.endpoint, '/createStream', { StreamName: stream, DataRetentionInHours: 1 });
  assert.equal(res.status, 200);
  const readers = await Promise.all(Array.from({ length: 10 }, () => openReader(srv.endpoint, stream)));
  for (const r of readers) r.req.destroy();
  return readers;
}

describe('kvideo serve quota flags', () => {
  const dirs: string[] = [];
  const children: Child[] = [];
  const serve = async (args: string[]): Promise<Child> => {
    const dir = tempDir('kvideo-quotas-');
    dirs.push(dir);
    const child = await spawnKvideo(['--data-dir', dir, ...args]);
    children.push(child);
    return child;
  };
  after(async () => {
    await Promise.all(children.map((c) => c.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('defaults: of 10 concurrent readers of one stream, 3 are served and the rest get the KVS errors', async () => {
    const readers = await tenReaders(await serve([]), 'shared');
    const ok = readers.filter((r) => r.status === 200);
    assert.equal(ok.length, 3, JSON.stringify(readers.map((r) => [r.status, r.errorType])));
    for (const r of readers.filter((x) => x.status !== 200)) {
      assert.equal(r.status, 400);
      assert.ok(
        r.errorType === 'ConnectionLimitExceededException' || r.errorType === 'ClientLimitExceededException',
        r.errorType,
      );
    }
  });

  test('--unthrottled: all 10 concurrent readers of one stream are served', async () => {
    const readers = await tenReaders(await serve(['--unthrottled']), 'shared');
    assert.deepEqual(
      readers.map((r) => r.status),
      Array(10).fill(200),
    );
  });

  test('--get-media-connections 20 --get-media-calls-per-second 20: all 10 are served', async () => {
    const readers = await tenReaders(
      await serve(['--get-media-connections', '20', '--get-media-calls-per-second', '20']),
      'shared',
    );
    assert.deepEqual(
      readers.map((r) => r.status),
      Array(10).fill(200),
    );
  });

  test('--max-connections 5: a sixth connection is closed on accept; a freed one is reused', async () => {
    const srv = await serve(['--max-connections', '5']);
    const url = new URL(srv.endpoint);
    // Five kept-alive connections, each proven accepted by a served request.
    const held: Socket[] = await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const s = connect(Number(url.port), url.hostname);
            s.once('error', reject);
            s.on('data', (d: Buffer) => {
              if (d.toString('latin1').startsWith('HTTP/1.1 200')) resolve(s);
            });
            s.write(
              `POST /listStreams HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
            );
          }),
      ),
    );
    await assert.rejects(
      postJson(srv.endpoint, '/listStreams', {}, 10_000),
      'the sixth connection is refused',
    );
    held.pop()!.destroy();
    // Bounded retry: the server sees the close asynchronously.
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = await postJson(srv.endpoint, '/listStreams', {}, 10_000).then(
        (r) => r.status,
        () => 0,
      );
    }
    for (const s of held) s.destroy();
    assert.equal(status, 200);
  });

  test('flags and KVIDEO_* variables map onto the server limits; bad values are refused', () => {
    assert.deepEqual(limitsFromFlags({ unthrottled: true, 'put-media-connections': '1' }, {}).limits, {
      getMediaConnectionsPerStream: 0,
      getMediaCallsPerSecond: 0,
      getMediaBytesPerSecond: 0,
      putMediaConnectionsPerStream: 1,
      putMediaCallsPerSecond: 0,
      playback: UNLIMITED_PLAYBACK,
    });
    const fromEnv = limitsFromFlags(
      { 'max-connections': '100' },
      {
        KVIDEO_GET_MEDIA_CONNECTIONS: '7',
        KVIDEO_MAX_CONNECTIONS: '5',
        KVIDEO_INGEST_MEMORY: '64MiB',
        KVIDEO_PUT_MEDIA_IDLE_TIMEOUT: '2',
        KVIDEO_PUT_MEDIA_MIN_RATE: '0',
        KVIDEO_READER_STALL_TIMEOUT: '1.5',
      },
    );
    assert.deepEqual(fromEnv, {
      limits: {
        getMediaConnectionsPerStream: 7,
        ingestMemoryBytes: 64 * 1024 * 1024,
        readerStallTimeoutMs: 1500,
      },
      ingestLimits: { idleTimeoutMs: 2000, idleAckIntervalMs: 500, minBytesPerSecond: 0 },
      http: { maxConnections: 100 },
    });
    assert.equal(limitsFromFlags({}, { KVIDEO_UNTHROTTLED: '1' }).limits.getMediaConnectionsPerStream, 0);
    assert.equal(parseSize('ingest-memory', '1.5GB'), 1_500_000_000);
    assert.throws(() => parseSize('ingest-memory', 'lots'), /invalid --ingest-memory: lots/);
    assert.throws(
      () => limitsFromFlags({ 'get-media-connections': '-1' }, {}),
      /invalid --get-media-connections/,
    );
    assert.throws(() => limitsFromFlags({ 'put-media-idle-timeout': '0' }, {}), /must be above 0/);
    for (const flag of [
      '--unthrottled',
      '--get-media-connections',
      '--get-media-calls-per-second',
      '--get-media-bytes-per-second',
      '--put-media-connections',
      '--put-media-calls-per-second',
      '--max-connections',
      '--ingest-memory',
      '--put-media-idle-timeout',
      '--put-media-min-rate',
      '--reader-stall-timeout',
    ]) {
      assert.ok(SERVE_USAGE.includes(flag), `${flag} is documented in kvideo serve --help`);
    }
  });

  test('binding beyond loopback without --auth is warned about', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) {
      assert.equal(isLoopbackHost(host), true, host);
      assert.equal(exposureWarning(host, false), undefined, host);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'kvideo.example']) {
      assert.match(
        exposureWarning(host, false) ?? '',
        /without --auth: anyone who can reach this address/,
        host,
      );
      assert.equal(exposureWarning(host, true), undefined, host);
    }
  });
});
