/**
 * Fair slots (issue #11): a stream has one PutMedia slot and three GetMedia reader slots (KVS
 * quotas, spec §10). A client that trickles a byte now and then, or a reader that never reads,
 * must lose its slot instead of holding it for the 45-minute session maximum:
 * - PutMedia: fewer than minBytesPerSecond over an idle window ends the session like the 30 s
 *   no-data rule does (spec §5.7);
 * - GetMedia: a response whose socket has not drained for readerStallTimeoutMs is ended.
 * The timeouts are shortened to ~1.5 s here; the defaults are in src/ingest/limits.ts and
 * src/actions/context.ts. Real producers and readers (steady data, or idle at the live edge) keep
 * their slots.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { concatBytes } from '../../src/mkv/writer.js';
import { cluster } from '../helpers/mkv-stream.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { PRODUCER_HEADER, numberedCluster, postJson } from '../reliability/harness.js';

const IDLE_MS = 1500;
const STALL_MS = 1500;
/** Every wait is bounded; generous because the machine is shared with other test processes. */
const CLOSE_WITHIN_MS = 30_000;

function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** A PutMedia that starts a large block and then sends one byte every `everyMs`. */
function trickler(endpoint: string, stream: string, everyMs: number): { socket: Socket; text: () => string } {
  const url = new URL(endpoint);
  const socket = connect(Number(url.port), url.hostname);
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('error', () => undefined);
  const blockSize = 1_000_000;
  const body = concatBytes([
    PRODUCER_HEADER,
    Uint8Array.of(0x1f, 0x43, 0xb6, 0x75, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), // Cluster, unknown size
    Uint8Array.of(0xe7, 0x81, 0x00), // Timecode 0
    Uint8Array.of(0xa3, 0x10, 0x00, 0x00, 0x00), // SimpleBlock, 4-byte size
    Uint8Array.of(0x81, 0x00, 0x00, 0x80),
  ]);
  new DataView(body.buffer, body.byteOffset + body.length - 8, 4).setUint32(0, 0x10000000 | blockSize);
  socket.once('connect', () => {
    socket.write(
      `POST /putMedia HTTP/1.1\r\nHost: ${url.host}\r\nx-amzn-stream-name: ${stream}\r\n` +
        `Transfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n`,
    );
    socket.write(body);
    socket.write('\r\n');
    const timer = setInterval(() => {
      if (socket.destroyed) clearInterval(timer);
      else socket.write('1\r\n\x00\r\n');
    }, everyMs);
    socket.once('close', () => clearInterval(timer));
  });
  return { socket, text: () => text };
}

/** Sends a GetMedia request and never reads the response (the socket is paused). */
function nonReader(endpoint: string, stream: string): Socket {
  const url = new URL(endpoint);
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => undefined);
  const body = JSON.stringify({ StreamName: stream, StartSelector: { StartSelectorType: 'EARLIEST' } });
  socket.write(
    `POST /getMedia HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${body}`,
  );
  socket.pause();
  return socket;
}

/** Starts a GetMedia and resolves with the status once the first body bytes (or the error body) arrive. */
function getMediaStatus(endpoint: string, stream: string, selector = 'EARLIEST'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/getMedia`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.once('data', () => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error('GetMedia timed out')));
    req.on('error', reject);
    req.end(JSON.stringify({ StreamName: stream, StartSelector: { StartSelectorType: selector } }));
  });
}

describe('stalled clients lose their slots', () => {
  let srv: TestServer;

  before(async () => {
    srv = await startServer({
      ingestLimits: { idleTimeoutMs: IDLE_MS, idleAckIntervalMs: 250 },
      limits: { readerStallTimeoutMs: STALL_MS, getMediaBytesPerSecond: 0, getMediaCallsPerSecond: 1000 },
    });
    for (const name of ['trickle', 'steady', 'busy', 'quiet']) {
      const res = await postJson(srv.endpoint, '/createStream', {
        StreamName: name,
        DataRetentionInHours: 1,
      });
      assert.equal(res.status, 200);
    }
  });
  after(async () => {
    await srv.close();
  });

  test('a PutMedia trickling one byte every 400 ms loses the stream slot; the next producer gets it', async () => {
    const slow = trickler(srv.endpoint, 'trickle', 400);
    // While it holds the slot, a second producer is refused (KVS: 1 connection per stream).
    await new Promise((r) => setTimeout(r, 300));
    const refused = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'trickle' },
      pieces: [PRODUCER_HEADER, numberedCluster(0, 0)],
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.headers['x-amzn-errortype'], 'ConnectionLimitExceededException');
    assert.ok(await closedWithin(slow.socket, CLOSE_WITHIN_MS), 'the trickling PutMedia was never ended');
    assert.match(slow.text(), /^HTTP\/1\.1 200/);
    const next = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'trickle' },
      pieces: [PRODUCER_HEADER, numberedCluster(0, 1)],
    });
    assert.equal(next.status, 200, next.body);
    assert.equal(next.acks.filter((a) => a.EventType === 'PERSISTED').length, 1, JSON.stringify(next.acks));
  });

  test('a producer sending real fragments slowly keeps its session', async () => {
    // 12 fragments of ~15 KB, 250 ms apart: 3 s, two idle windows, far above the minimum rate.
    const res = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'steady' },
      pieces: [PRODUCER_HEADER, ...Array.from({ length: 12 }, (_, i) => numberedCluster(1, i))],
      delayMs: 250,
    });
    assert.equal(res.status, 200);
    assert.equal(res.acks.filter((a) => a.EventType === 'PERSISTED').length, 12, JSON.stringify(res.acks));
    assert.ok(!res.acks.some((a) => a.EventType === 'ERROR'));
  });

  test('three GetMedia clients that never read are disconnected; a fourth reader then gets a slot', async () => {
    // 64 MB in the stream: more than the socket buffers of a non-reading client take (loopback
    // receive buffers autotune up to net.ipv4.tcp_rmem's maximum, 32 MiB on the test machine).
    const big = (i: number) =>
      cluster({
        timecode: i * 1000,
        blocks: Array.from({ length: 8 }, (_, f) => ({ rel: f * 100, key: f === 0, size: 128 * 1024 })),
      });
    const put = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'busy' },
      pieces: [PRODUCER_HEADER, ...Array.from({ length: 64 }, (_, i) => big(i))],
    });
    assert.equal(put.acks.filter((a) => a.EventType === 'PERSISTED').length, 64);

    const stuck = [0, 1, 2].map(() => nonReader(srv.endpoint, 'busy'));
    await new Promise((r) => setTimeout(r, 300));
    // All three reader slots are taken (KVS: 3 concurrent GetMedia per stream).
    assert.equal(await getMediaStatus(srv.endpoint, 'busy'), 400);
    // The slots come free once the server gives up on the stalled readers (polled, bounded).
    let status = 400;
    for (const deadline = Date.now() + CLOSE_WITHIN_MS; status === 400 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 250));
      status = await getMediaStatus(srv.endpoint, 'busy');
    }
    assert.equal(status, 200, 'no reader slot came free: the non-reading clients kept them');
    // On a loaded machine the three stalls are detected at different times: wait (bounded) until
    // all three slots are free, three readers at once, spaced under the 5 calls/s quota.
    let free = 0;
    for (const deadline = Date.now() + CLOSE_WITHIN_MS; free < 3 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 1100));
      const statuses = await Promise.all([0, 1, 2].map(() => getMediaStatus(srv.endpoint, 'busy')));
      free = statuses.filter((s) => s === 200).length;
    }
    assert.equal(free, 3, 'not every non-reading client lost its slot');
    // The server reset their connections: once they look, they see them gone.
    for (const s of stuck) s.resume();
    const closed = await Promise.all(stuck.map((s) => closedWithin(s, CLOSE_WITHIN_MS)));
    for (const s of stuck) s.destroy();
    assert.deepEqual(closed, [true, true, true]);
  });

  test('a reader waiting at the live edge is not stalled: nothing is waiting to be sent to it', async () => {
    const url = new URL(srv.endpoint);
    const socket = connect(Number(url.port), url.hostname);
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    const body = JSON.stringify({ StreamName: 'quiet', StartSelector: { StartSelectorType: 'NOW' } });
    socket.write(
      `POST /getMedia HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
    );
    // Four stall timeouts without any data for it: the connection must still be open.
    const closedEarly = await closedWithin(socket, 4 * STALL_MS);
    socket.destroy();
    assert.equal(closedEarly, false, 'an idle live reader was disconnected');
    assert.match(text, /^HTTP\/1\.1 200/);
  });
});
