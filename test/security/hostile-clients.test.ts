/**
 * Hostile clients against a server process (so its own memory can be measured): slowloris
 * headers and JSON bodies, a PutMedia that stops sending, thousands of idle connections, GetMedia
 * readers that never read, oversized headers and bodies. Each must cost bounded memory and time,
 * and other clients and streams must keep being served. The server runs with short timeouts
 * (headers 2 s, JSON body 2 s, PutMedia idle 2 s) so the test takes seconds; the defaults are in
 * src/server.ts (HTTP_DEFAULTS) and src/ingest/limits.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { cluster } from '../helpers/mkv-stream.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { tempDir } from '../helpers/server.js';
import {
  PRODUCER_HEADER,
  liveGetMedia,
  fragmentsOfBody,
  numberedCluster,
  postJson,
  sleep,
} from '../reliability/harness.js';
import { spawnServerWith, type Child } from './child-server.js';

const HEADERS_TIMEOUT_MS = 2000;
const BODY_TIMEOUT_MS = 2000;
const PUT_IDLE_MS = 2000;
const IDLE_SOCKETS = 2000;
const MB = 1024 * 1024;
/**
 * "Still served" means answered well before any of the timeouts above; generous, because this
 * 2-core machine also runs other test processes at the same time.
 */
const SERVED_WITHIN_MS = 3000;
/** Slack on top of a timeout before a connection must have been closed. */
const CLOSE_SLACK_MS = 8000;

interface Probe {
  socket: Socket;
  closedAt: Promise<number>;
  received(): string;
}

function openSocket(endpoint: string, onConnect?: (s: Socket) => void): Probe {
  const url = new URL(endpoint);
  const socket = connect(Number(url.port), url.hostname);
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('error', () => undefined);
  if (onConnect) socket.on('connect', () => onConnect(socket));
  const closedAt = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  return { socket, closedAt, received: () => text };
}

/** `promise`, or undefined once `ms` have passed (every wait in these tests is bounded). */
async function within<T>(ms: number, promise: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with how long a ListStreams round trip takes. */
async function latency(endpoint: string): Promise<number> {
  const started = Date.now();
  const res = await postJson(endpoint, '/listStreams', {}, 5000);
  assert.equal(res.status, 200);
  return Date.now() - started;
}

function openFilesLimit(): number {
  try {
    return Number(execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return 0;
  }
}

describe('hostile clients', () => {
  let srv: Child;
  const dataDir = tempDir('kvideo-hostile-');
  before(async () => {
    srv = await spawnServerWith(
      {
        dataDir,
        http: {
          headersTimeoutMs: HEADERS_TIMEOUT_MS,
          connectionsCheckingIntervalMs: 250,
          jsonBodyTimeoutMs: BODY_TIMEOUT_MS,
        },
        ingestLimits: { idleTimeoutMs: PUT_IDLE_MS, idleAckIntervalMs: 500, maxFragmentBytes: 4 * MB },
        limits: { getMediaBytesPerSecond: 0, getMediaCallsPerSecond: 1000, putMediaCallsPerSecond: 1000 },
      },
      IDLE_SOCKETS * 2 + 1024,
    );
    for (const name of ['victim', 'bystander', 'firehose', 'neighbour']) {
      assert.equal(
        (await postJson(srv.endpoint, '/createStream', { StreamName: name, DataRetentionInHours: 1 })).status,
        200,
      );
    }
  });
  after(async () => {
    await srv.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('slowloris request heads are cut after headersTimeout; others are served meanwhile', async () => {
    const started = Date.now();
    const probes = Array.from({ length: 100 }, () =>
      openSocket(srv.endpoint, (s) => {
        s.write('POST /listStreams HTTP/1.1\r\nHost: x\r\n');
        const drip = setInterval(() => (s.destroyed ? clearInterval(drip) : s.write('X-Drip: 1\r\n')), 300);
        s.on('close', () => clearInterval(drip));
      }),
    );
    assert.ok((await latency(srv.endpoint)) < SERVED_WITHIN_MS);
    const closed = await Promise.all(probes.map((p) => p.closedAt));
    const slowest = Math.max(...closed) - started;
    assert.ok(slowest < HEADERS_TIMEOUT_MS + CLOSE_SLACK_MS, `closed after ${slowest} ms`);
    for (const p of probes) assert.match(p.received(), /^HTTP\/1\.1 408 /);
  });

  test('slowloris JSON bodies get 408 RequestTimeoutException after the body deadline', async () => {
    const started = Date.now();
    const probes = Array.from({ length: 20 }, () =>
      openSocket(srv.endpoint, (s) => {
        s.write(
          'POST /describeStream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
        );
        const drip = setInterval(() => (s.destroyed ? clearInterval(drip) : s.write(' ')), 300);
        s.on('close', () => clearInterval(drip));
      }),
    );
    assert.ok((await latency(srv.endpoint)) < SERVED_WITHIN_MS);
    const closed = await Promise.all(probes.map((p) => p.closedAt));
    assert.ok(Math.max(...closed) - started < BODY_TIMEOUT_MS + CLOSE_SLACK_MS);
    for (const p of probes) {
      assert.match(p.received(), /^HTTP\/1\.1 408 /);
      assert.match(p.received(), /x-amzn-ErrorType: RequestTimeoutException/i);
    }
  });

  test('a PutMedia that stops sending is ended by the idle rule; its complete fragment is kept', async () => {
    const started = Date.now();
    const res = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'victim' },
      pieces: [PRODUCER_HEADER, numberedCluster(0, 0, 500), numberedCluster(0, 1, 500)],
      holdOpenMs: 30_000,
    });
    const took = Date.now() - started;
    assert.ok(took < PUT_IDLE_MS + CLOSE_SLACK_MS, `ended after ${took} ms`);
    assert.equal(res.status, 200);
    assert.ok(
      res.acks.some((a) => a.EventType === 'IDLE'),
      'IDLE ACKs while waiting',
    );
    assert.equal(res.acks.filter((a) => a.EventType === 'PERSISTED').length, 2, JSON.stringify(res.acks));
  });

  test(`${IDLE_SOCKETS} idle connections: bounded memory, others served, all closed by the server`, async (t) => {
    const limit = openFilesLimit();
    if (limit < IDLE_SOCKETS + 512) {
      const reason = `ulimit -n is ${limit}, below ${IDLE_SOCKETS + 512}: idle-connection test skipped`;
      process.stdout.write(`# ${reason}\n`);
      t.skip(reason);
      return;
    }
    const rssBefore = srv.rss();
    const started = Date.now();
    const probes: Probe[] = [];
    let connected = 0;
    // In batches, so the listen backlog (511) is not what is being tested.
    for (let batch = 0; batch < IDLE_SOCKETS / 250; batch++) {
      const opened = Array.from({ length: 250 }, () => openSocket(srv.endpoint, () => connected++));
      probes.push(...opened);
      await within(
        10_000,
        Promise.all(
          opened.map((p) => new Promise((r) => (p.socket.once('connect', r), p.socket.once('close', r)))),
        ),
      );
    }
    await sleep(200);
    const rssDuring = srv.rss();
    const lat = await latency(srv.endpoint);
    const put = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'bystander' },
      pieces: [PRODUCER_HEADER, numberedCluster(1, 0, 500)],
    });
    assert.equal(put.acks.filter((a) => a.EventType === 'PERSISTED').length, 1);
    // Bounded wait: sockets the server has not closed by then are counted, then destroyed.
    const closed = await within(
      HEADERS_TIMEOUT_MS + CLOSE_SLACK_MS + 5000,
      Promise.all(probes.map((p) => p.closedAt)),
    );
    const stillOpen = probes.filter((p) => !p.socket.destroyed).length;
    for (const p of probes) p.socket.destroy();
    assert.equal(stillOpen, 0, `${stillOpen} idle sockets were never closed by the server`);
    assert.ok(connected >= IDLE_SOCKETS * 0.95, `only ${connected} of ${IDLE_SOCKETS} sockets connected`);
    const allClosedMs = Math.max(...closed!) - started;
    process.stdout.write(
      `# ${IDLE_SOCKETS} idle sockets: server RSS +${((rssDuring - rssBefore) / MB).toFixed(1)} MB, ` +
        `ListStreams ${lat} ms meanwhile, all closed by the server after ${allClosedMs} ms\n`,
    );
    assert.ok(lat < SERVED_WITHIN_MS);
    assert.ok(rssDuring - rssBefore < 64 * MB, `RSS grew ${(rssDuring - rssBefore) / MB} MB`);
    assert.ok(allClosedMs < HEADERS_TIMEOUT_MS + CLOSE_SLACK_MS);
  });

  test('a GetMedia reader that never reads holds bounded memory; other readers and streams are unaffected', async () => {
    const url = new URL(srv.endpoint);
    // The stuck reader: sends its request, then never reads a byte.
    const stuck = connect(Number(url.port), url.hostname);
    stuck.on('error', () => undefined);
    const body = JSON.stringify({ StreamName: 'firehose', StartSelector: { StartSelectorType: 'NOW' } });
    stuck.write(
      `POST /getMedia HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    stuck.pause();
    await sleep(200);
    const healthy = liveGetMedia(srv.endpoint, 'firehose', { StartSelectorType: 'NOW' }, 1500);
    const other = liveGetMedia(srv.endpoint, 'neighbour', { StartSelectorType: 'NOW' }, 1500);
    await sleep(200);
    const rssBefore = srv.rss();

    // 64 fragments of 1 MB into the stream the stuck reader follows, a few into another one.
    const big = (i: number) =>
      cluster({
        timecode: i * 1000,
        blocks: Array.from({ length: 8 }, (_, f) => ({ rel: f * 100, key: f === 0, size: 128 * 1024 })),
      });
    const firehose = putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'firehose' },
      pieces: [PRODUCER_HEADER, ...Array.from({ length: 64 }, (_, i) => big(i))],
    });
    const bystander = putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'neighbour' },
      pieces: [PRODUCER_HEADER, ...Array.from({ length: 5 }, (_, i) => numberedCluster(1, 100 + i, 1000))],
      delayMs: 50,
    });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, srv.rss())), 50);
    const [fh, by] = await Promise.all([firehose, bystander]);
    // The readers stop 1.5 s after their last byte; a hard stop bounds the wait.
    const hardStop = setTimeout(() => (healthy.stop(), other.stop()), 30_000);
    const seen = fragmentsOfBody(await healthy.done);
    const seenOther = fragmentsOfBody(await other.done);
    clearTimeout(hardStop);
    clearInterval(sampler);
    stuck.destroy();
    assert.equal(fh.acks.filter((a) => a.EventType === 'PERSISTED').length, 64);
    assert.equal(by.acks.filter((a) => a.EventType === 'PERSISTED').length, 5);
    assert.equal(seen.length, 64, 'the healthy reader of the same stream got everything');
    assert.equal(seenOther.length, 5, 'the other stream was served');
    const growth = peak - rssBefore;
    process.stdout.write(
      `# stuck GetMedia reader while 64 MB flowed: server RSS peak +${(growth / MB).toFixed(1)} MB\n`,
    );
    assert.ok(
      growth < 48 * MB,
      `RSS grew ${(growth / MB).toFixed(1)} MB while 64 MB flowed past a stuck reader`,
    );
  });

  test('oversized heads and bodies are refused without buffering them', async () => {
    const big = 'x'.repeat(32 * 1024);
    const headProbe = openSocket(srv.endpoint, (s) =>
      s.write(`POST /listStreams HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`),
    );
    await headProbe.closedAt;
    assert.match(headProbe.received(), /^HTTP\/1\.1 431 /);

    const declared = await postRaw(
      srv.endpoint,
      '/describeStream',
      { 'content-length': String(3 * MB) },
      Buffer.alloc(64 * 1024, 0x20),
    );
    assert.match(declared, /^HTTP\/1\.1 413 /);
    assert.match(declared, /SerializationException/);

    // Chunked, no length: refused once past the 1 MiB limit, and the connection is closed (it
    // used to stay open forever: the abandoned body was neither read nor drained).
    const rssBefore = srv.rss();
    const started = Date.now();
    const chunked = await postRaw(
      srv.endpoint,
      '/describeStream',
      { 'transfer-encoding': 'chunked' },
      undefined,
      8 * MB,
    );
    assert.match(chunked, /^HTTP\/1\.1 413 /);
    assert.ok(Date.now() - started < 3000, 'closed promptly');
    assert.ok(srv.rss() - rssBefore < 32 * MB);

    // A PutMedia fragment above the fragment size limit: an ERROR ACK, not a buffered 8 MB.
    const huge = cluster({
      timecode: 0,
      blocks: Array.from({ length: 8 }, (_, f) => ({ rel: f, key: f === 0, size: MB })),
    });
    const res = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'victim' },
      pieces: [PRODUCER_HEADER, huge],
    });
    assert.ok(
      res.acks.some((a) => a.EventType === 'ERROR' && a.ErrorCode === 'MAX_FRAGMENT_SIZE_REACHED'),
      JSON.stringify(res.acks),
    );
    assert.ok((await latency(srv.endpoint)) < SERVED_WITHIN_MS);
  });
});

/** Sends a request with the given head and body (or `flood` bytes of chunked body); returns what came back. */
function postRaw(
  endpoint: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
  flood = 0,
): Promise<string> {
  return new Promise((resolve) => {
    const probe = openSocket(endpoint, (s) => {
      const head = Object.entries({ host: 'x', 'content-type': 'application/json', ...headers })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      s.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
      if (body) s.write(body);
      const piece = Buffer.alloc(64 * 1024, 0x20);
      void (async () => {
        for (let sent = 0; sent < flood && !s.destroyed; sent += piece.length) {
          if (!s.write(`${piece.length.toString(16)}\r\n`) || !s.write(piece) || !s.write('\r\n')) {
            await new Promise((r) => setTimeout(r, 5));
          }
        }
        if (!s.destroyed) {
          if (flood) s.end('0\r\n\r\n');
          else s.end();
        }
      })();
    });
    const timer = setTimeout(() => probe.socket.destroy(), 10_000);
    void probe.closedAt.then(() => {
      clearTimeout(timer);
      resolve(probe.received());
    });
  });
}
