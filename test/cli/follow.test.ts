/**
 * `kvideo get-media --follow` while a producer is live: across server-side session ends (the
 * server ends every GetMedia session after 400 ms, between chunks) and across connections that
 * break mid-chunk or stall (a TCP proxy cuts or freezes each response after a random number of
 * bytes; the stall is detected by --cli-read-timeout). The outfile is parsed back: every
 * fragment the producer got PERSISTED for appears exactly once, in order, as a whole chunk.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { clusters, ebmlHeader, segmentHead } from '../helpers/mkv-stream.js';
import { putMediaRaw, type PutMediaResult } from '../helpers/put-media.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { readChunks } from './helpers/chunks.js';
import { kvideo } from './helpers/run-cli.js';

const FRAGMENTS = 14;

/** Forwards to `target`; each response is cut (or frozen, every third one) after 30–70 KB. */
function flakyProxy(target: URL): { server: Server; cuts: () => number } {
  let connections = 0;
  let cuts = 0;
  const server = createServer((client: Socket) => {
    const stall = ++connections % 3 === 0;
    let budget = 30_000 + Math.floor(Math.random() * 40_000);
    const upstream = connect(Number(target.port), target.hostname);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.on('data', (data: Buffer) => {
      if (budget <= 0) return;
      if (data.length < budget) {
        budget -= data.length;
        client.write(data);
        return;
      }
      client.write(data.subarray(0, budget));
      budget = 0;
      cuts++;
      // A stall keeps the connection open and silent: only the read timeout ends it.
      if (stall) upstream.pause();
      else setTimeout(close, 10);
    });
  });
  return { server, cuts: () => cuts };
}

function produce(endpoint: string, stream: string): Promise<PutMediaResult> {
  return putMediaRaw({
    endpoint,
    headers: {
      'x-amzn-stream-name': stream,
      'x-amzn-fragment-timecode-type': 'RELATIVE',
      'x-amzn-producer-start-timestamp': `${Math.floor(Date.now() / 1000)}.000`,
    },
    // One ~25 KB fragment (a 1-second cluster of 25 frames) every 250 ms: slower than a
    // session lasts, so the reader sees several session ends even if it starts late.
    pieces: [Buffer.concat([ebmlHeader(), segmentHead()]), ...clusters(FRAGMENTS, 0, 1000)],
    delayMs: 250,
  });
}

describe('get-media --follow', () => {
  let srv: TestServer;
  let proxy: ReturnType<typeof flakyProxy>;
  let proxyUrl: string;
  const dir = tempDir('kvideo-cli-follow-');

  before(async () => {
    srv = await startServer({
      limits: { getMediaMaxSessionMs: 400, getMediaBytesPerSecond: 0, getMediaCallsPerSecond: 1000 },
    });
    const kv = controlPlaneClient(srv.endpoint);
    for (const name of ['ended', 'dropped']) {
      await kv.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: 24 }));
    }
    kv.destroy();
    proxy = flakyProxy(new URL(srv.endpoint));
    await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.server.address() as { port: number }).port}`;
  });
  after(async () => {
    proxy.server.close();
    await srv.close();
  });

  test('resumes across session ends, dropped and stalled connections without loss or duplicates', async () => {
    const follow = (stream: string, endpoint: string, file: string, extra: string[] = []) =>
      kvideo(
        [
          'get-media',
          '--endpoint-url',
          endpoint,
          '--stream-name',
          stream,
          '--start-selector',
          'StartSelectorType=EARLIEST',
          file,
          '--follow',
          '--max-fragments',
          String(FRAGMENTS),
          '--debug',
          ...extra,
        ],
        { timeoutMs: 40_000 },
      );
    const producers = Promise.all([produce(srv.endpoint, 'ended'), produce(srv.endpoint, 'dropped')]);
    // Start reading once the first fragment exists (EARLIEST on an empty stream waits anyway).
    await new Promise((r) => setTimeout(r, 300));
    const [ended, dropped] = await Promise.all([
      follow('ended', srv.endpoint, join(dir, 'ended.mkv')),
      follow('dropped', proxyUrl, join(dir, 'dropped.mkv'), ['--cli-read-timeout', '1']),
    ]);
    const [putEnded, putDropped] = await producers;

    for (const [name, run, put] of [
      ['ended', ended, putEnded],
      ['dropped', dropped, putDropped],
    ] as const) {
      assert.equal(run.code, 0, `${name}: ${run.stderr.slice(-2000)}`);
      const persisted = put.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber!);
      assert.equal(persisted.length, FRAGMENTS);
      const chunks = readChunks(readFileSync(join(dir, `${name}.mkv`)));
      assert.deepEqual(
        chunks.map((c) => c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER),
        persisted,
        `${name}: every fragment exactly once`,
      );
      assert.ok(chunks.every((c) => c.complete && c.tags.AWS_KINESISVIDEO_CONTINUATION_TOKEN !== undefined));
      const sessions = run.stderr.match(/Calling GetMedia with params/g)?.length ?? 0;
      const resumed = run.stderr.match(/"StartSelectorType":"CONTINUATION_TOKEN"/g)?.length ?? 0;
      assert.ok(sessions >= 2 && resumed >= 1, `${name}: ${sessions} sessions, ${resumed} resumed`);
      assert.equal(run.stdout, '{\n    "ContentType": "video/webm"\n}\n');
    }
    assert.ok(proxy.cuts() >= 2, `the proxy cut ${proxy.cuts()} responses`);
    assert.match(
      dropped.stderr,
      /session broke off \(Read timeout on endpoint URL/,
      'a stall ended by the read timeout',
    );
  });
});
