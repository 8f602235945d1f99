/**
 * GetMedia limits and backpressure: a reader that stops reading holds only bounded server memory,
 * the per-stream connection limit, and the per-session data-rate cap.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { GetMediaCommand } from '@aws-sdk/client-kinesis-video-media';
import { concatBytes } from '../../../src/mkv/writer.js';
import { getMediaBytes, mediaClient } from '../../helpers/media.js';
import { cluster, ebmlHeader, segmentHead } from '../../helpers/mkv-stream.js';
import { putMediaRaw } from '../../helpers/put-media.js';
import { captureError, controlPlaneClient, startServer, type TestServer } from '../../helpers/server.js';

const FRAGMENTS = 60;
const FRAME_BYTES = 20_000; // 25 frames → 500 KB per fragment, 30 MB in all

function bigStream(): Uint8Array[] {
  return [
    concatBytes([ebmlHeader(), segmentHead(1)]),
    ...Array.from({ length: FRAGMENTS }, (_, i) =>
      cluster({
        timecode: i * 1000,
        blocks: Array.from({ length: 25 }, (_, f) => ({ rel: f * 40, key: f === 0, size: FRAME_BYTES })),
      }),
    ),
  ];
}

function rawGetMedia(endpoint: string, stream: string): Socket {
  const url = new URL(endpoint);
  const socket = connect(Number(url.port), url.hostname);
  const body = JSON.stringify({ StreamName: stream, StartSelector: { StartSelectorType: 'EARLIEST' } });
  socket.write(
    `POST /getMedia HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
  );
  return socket;
}

describe('GetMedia limits', () => {
  let srv: TestServer;
  const serverSockets: Socket[] = [];

  before(async () => {
    srv = await startServer({ limits: { getMediaBytesPerSecond: 0, getMediaIdleEndMs: 300 } });
    srv.kvideo.server.on('connection', (s: Socket) => serverSockets.push(s));
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'big', DataRetentionInHours: 24 }));
    await kv.send(new CreateStreamCommand({ StreamName: 'other', DataRetentionInHours: 24 }));
    kv.destroy();
    const put = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'big' },
      pieces: bigStream(),
    });
    assert.equal(put.acks.filter((a) => a.EventType === 'PERSISTED').length, FRAGMENTS);
  });
  after(async () => {
    await srv.close();
  });

  test('a reader that never reads holds bounded memory, and others are unaffected', async () => {
    const before = new Set(serverSockets);
    const stalled = rawGetMedia(srv.endpoint, 'big');
    stalled.pause(); // never read: the kernel buffers fill, then the server must stop producing
    await new Promise((r) => setTimeout(r, 1500));
    const serverSide = serverSockets.find((s) => !before.has(s));
    assert.ok(serverSide, 'the server accepted the stalled connection');
    const total = FRAGMENTS * 25 * FRAME_BYTES;
    // Userland queue: bounded by the stream's highWaterMark plus one read, far below the 30 MB stream.
    assert.ok(serverSide.writableLength < 1024 * 1024, `queued in the server: ${serverSide.writableLength}`);
    // What left the process sits in loopback socket buffers (a few MB); the rest was never read from disk.
    assert.ok(serverSide.bytesWritten < total / 2, `written: ${serverSide.bytesWritten} of ${total}`);

    const other = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'other' },
      pieces: [
        concatBytes([ebmlHeader(), segmentHead(1)]),
        cluster({ timecode: 0, blocks: [{ rel: 0, key: true }] }),
      ],
    });
    assert.ok(other.acks.some((a) => a.EventType === 'PERSISTED'));
    stalled.destroy();
  });

  test('more than 3 concurrent GetMedia connections on a stream: ConnectionLimitExceededException', async () => {
    const sockets = [
      rawGetMedia(srv.endpoint, 'big'),
      rawGetMedia(srv.endpoint, 'big'),
      rawGetMedia(srv.endpoint, 'big'),
    ];
    for (const s of sockets) s.pause();
    await new Promise((r) => setTimeout(r, 1100)); // stay within the 5 calls/s limit
    const client = mediaClient(srv.endpoint);
    try {
      const err = await captureError(() =>
        client.send(new GetMediaCommand({ StreamName: 'big', StartSelector: { StartSelectorType: 'NOW' } })),
      );
      assert.equal(err.name, 'ConnectionLimitExceededException');
    } finally {
      client.destroy();
      for (const s of sockets) s.destroy();
    }
  });

  test('readers that hang up while idle at the live edge free their connection slots', async () => {
    const live = await startServer({ limits: { getMediaIdleEndMs: 0 } });
    try {
      const kv = controlPlaneClient(live.endpoint);
      await kv.send(new CreateStreamCommand({ StreamName: 'idle', DataRetentionInHours: 1 }));
      kv.destroy();
      for (let round = 0; round < 2; round++) {
        const sockets = [1, 2, 3].map(() => rawGetMedia(live.endpoint, 'idle'));
        await new Promise((r) => setTimeout(r, 300));
        for (const s of sockets) s.end(); // FIN only: the server must notice without writing
        await new Promise((r) => setTimeout(r, 900)); // also stays within 5 calls/s
      }
      const client = mediaClient(live.endpoint);
      try {
        const out = await client.send(
          new GetMediaCommand({ StreamName: 'idle', StartSelector: { StartSelectorType: 'NOW' } }),
        );
        assert.equal(out.ContentType, 'video/webm');
        (out.Payload as unknown as Socket).destroy();
      } finally {
        client.destroy();
      }
    } finally {
      await live.close();
    }
  });

  test('the per-session data-rate cap slows a catch-up read (KVS: 25 MB/s)', async () => {
    const capped = await startServer({
      limits: { getMediaBytesPerSecond: 1_000_000, getMediaIdleEndMs: 200 },
    });
    try {
      const kv = controlPlaneClient(capped.endpoint);
      await kv.send(new CreateStreamCommand({ StreamName: 'capped', DataRetentionInHours: 1 }));
      kv.destroy();
      await putMediaRaw({
        endpoint: capped.endpoint,
        headers: { 'x-amzn-stream-name': 'capped' },
        pieces: bigStream().slice(0, 7),
      });
      const started = Date.now();
      const { bytes } = await getMediaBytes(capped.endpoint, 'capped', { StartSelectorType: 'EARLIEST' });
      const elapsedS = (Date.now() - started) / 1000;
      assert.ok(bytes.length > 3_000_000);
      // A lower bound only: 3 MB at 1 MB/s cannot arrive in under ~2 s, however fast the machine.
      assert.ok(
        elapsedS >= ((bytes.length - 1_000_000) / 1_000_000) * 0.9,
        `${bytes.length} bytes in ${elapsedS} s`,
      );
    } finally {
      await capped.close();
    }
  });
});
