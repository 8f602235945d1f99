/**
 * SIGTERM to `kvideo serve` while a producer is mid-stream: the server drains instead of dropping
 * the connection. Every fragment the producer got RECEIVED for also gets PERSISTED, the fragment
 * still arriving gets ERROR 5000 INTERNAL_ERROR, the chunked response ends with its final chunk,
 * the process exits 0, and after a restart exactly the PERSISTED fragments are there, bit-exact.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { decodeHttpResponse } from '../helpers/http-chunks.js';
import type { Ack } from '../helpers/put-media.js';
import { spawnServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/server.js';
import { PRODUCER_HEADER, numberedCluster, postJson, readWholeStream } from './harness.js';

test('SIGTERM during ingest: PERSISTED for what was received, ERROR 5000 for the rest, final chunk, exit 0', async () => {
  const dataDir = tempDir('kvideo-sigterm-');
  let server = await spawnServer(dataDir);
  try {
    const created = await postJson(server.endpoint, '/createStream', {
      StreamName: 'drain',
      DataRetentionInHours: 1,
    });
    assert.equal(created.status, 200);
    const clusters = Array.from({ length: 6 }, (_, i) => numberedCluster(0, i, 4000));
    const url = new URL(server.endpoint);
    const chunk = (b: Uint8Array): Buffer =>
      Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);

    const received: Buffer[] = [];
    let signalledAt = 0;
    const exit = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    const closed = new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /putMedia HTTP/1.1\r\nhost: ${url.host}\r\ntransfer-encoding: chunked\r\n` +
            'x-amzn-stream-name: drain\r\n\r\n',
        );
        // Five whole clusters and half of the sixth: fragments 1-5 are complete (the sixth has
        // started), the sixth can never complete. No terminating chunk: the producer is mid-stream.
        socket.write(chunk(PRODUCER_HEADER));
        for (const c of clusters.slice(0, 5)) socket.write(chunk(c));
        socket.write(chunk(clusters[5]!.subarray(0, 2000)));
      });
      socket.on('data', (d: Buffer) => {
        received.push(d);
        const acks = decodeHttpResponse(Buffer.concat(received)).chunks;
        if (!signalledAt && acks.filter((a) => a.includes('"RECEIVED"')).length === 5) {
          signalledAt = Date.now();
          server.child.kill('SIGTERM');
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve());
    });
    await closed;
    const code = await exit;
    const drainMs = Date.now() - signalledAt;
    assert.ok(signalledAt > 0, 'the producer got five RECEIVED before the signal');
    assert.equal(code, 0, 'kvideo serve exits 0 after draining');

    const raw = Buffer.concat(received);
    assert.ok(raw.subarray(-5).equals(Buffer.from('0\r\n\r\n')), 'the chunked response ends properly');
    const acks = decodeHttpResponse(raw).chunks.map((c) => JSON.parse(c) as Ack);
    const of = (type: string) => acks.filter((a) => a.EventType === type).map((a) => a.FragmentNumber!);
    const buffering = of('BUFFERING');
    assert.equal(buffering.length, 6);
    assert.deepEqual(of('RECEIVED'), buffering.slice(0, 5));
    assert.deepEqual(of('PERSISTED'), buffering.slice(0, 5), 'every RECEIVED fragment is PERSISTED');
    assert.deepEqual(acks.at(-1), {
      EventType: 'ERROR',
      FragmentTimecode: 5000,
      FragmentNumber: buffering[5],
      ErrorId: 5000,
      ErrorCode: 'INTERNAL_ERROR',
    });
    process.stdout.write(`# SIGTERM drain: 5 PERSISTED, 1 ERROR 5000, exited ${code} after ${drainMs} ms\n`);

    // After a restart exactly the PERSISTED fragments are there, with the bytes that were sent.
    server = await spawnServer(dataDir);
    const stored = await readWholeStream(server.endpoint, 'drain');
    assert.deepEqual(
      stored.map((f) => f.number),
      buffering.slice(0, 5),
    );
    stored.forEach((f, i) => assert.ok(f.bytes.equals(Buffer.from(clusters[i]!)), `fragment ${i} bit-exact`));
  } finally {
    await server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
