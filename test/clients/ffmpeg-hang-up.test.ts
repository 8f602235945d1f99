/**
 * Producers that hang up without reading the response, straight to the server (no proxy): the
 * README's ffmpeg command (it sends the terminating chunk, reads at most 1 KiB and closes), with and
 * without -re, and raw clients that send ten clusters plus the terminating chunk and then close or
 * reset at once. Every fragment sent must be stored (counted with ListFragments through the SDK).
 *
 * Why this used to lose data: ACK bytes the producer never reads make its kernel answer the close
 * with a reset, which discards what is still in its send queue and made the server drop the
 * connection mid-body. ffmpeg (User-Agent Lavf/…) is therefore sent no ACKs unless it asks for them,
 * the server reads eagerly, and a body whose end was received counts as complete.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { concatBytes } from '../../src/mkv/writer.js';
import { clustersSent, ffmpegPutMedia, listFragments } from '../helpers/ffmpeg-producer.js';
import { cluster, ebmlHeader, segmentHead } from '../helpers/mkv-stream.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { ffmpegMissing, mkvinfoMissing, LIVE_MKV_OUTPUT } from '../helpers/tools.js';

/** Waits (bounded) until the stream holds `expected` fragments; returns the count it saw last. */
async function storedCount(endpoint: string, stream: string, expected: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (await listFragments(endpoint, stream)).length < expected) {
    await new Promise((r) => setTimeout(r, 200));
  }
  // Nothing more may appear afterwards either (no duplicates).
  await new Promise((r) => setTimeout(r, 300));
  return (await listFragments(endpoint, stream)).length;
}

/** A tiny H.264 file, one Cluster per GOP: `seconds` long, a key frame every `gopSeconds`. */
function makeFile(dir: string, name: string, seconds: number, gopSeconds: number): string {
  const file = join(dir, name);
  const fps = 10;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x90:rate=${fps}:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(fps * gopSeconds),
    '-keyint_min',
    String(fps * gopSeconds),
    '-sc_threshold',
    '0',
    ...LIVE_MKV_OUTPUT,
    file,
  ]);
  return file;
}

describe('producers that hang up without reading ACKs lose nothing', () => {
  let srv: TestServer;
  let counter = 0;
  const newStream = async (): Promise<string> => {
    const name = `hangup-${++counter}`;
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: 1 }));
    kv.destroy();
    return name;
  };
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });

  describe('ffmpeg, the README command, no proxy', { skip: ffmpegMissing || mkvinfoMissing }, () => {
    let long: string;
    let short: string;
    before(() => {
      const dir = tempDir('kvideo-hangup-');
      long = makeFile(dir, 'f120.mkv', 120, 1); // 120 fragments of 1 s, sent as fast as possible
      short = makeFile(dir, 'f12.mkv', 6, 0.5); // 12 fragments of 0.5 s, sent in real time
    });

    for (const [label, file, realtime] of [
      ['120 fragments without -re', () => long, false],
      ['12 fragments with -re', () => short, true],
    ] as const) {
      test(`${label}: every fragment stored`, async () => {
        const sent = clustersSent(file());
        assert.equal(sent, realtime ? 12 : 120);
        const stream = await newStream();
        const ff = await ffmpegPutMedia(file(), srv.endpoint, stream, { realtime });
        assert.equal(ff.code, 0, ff.stderr);
        const stored = await storedCount(srv.endpoint, stream, sent);
        process.stdout.write(`# ffmpeg ${label}: ${sent} sent, ${stored} stored\n`);
        assert.equal(stored, sent);
      });
    }
  });

  for (const style of ['close', 'reset'] as const) {
    test(`raw client: ten clusters and the terminating chunk, then ${style} at once without reading`, async () => {
      const stream = await newStream();
      const body = concatBytes([
        ebmlHeader(),
        segmentHead(1),
        ...Array.from({ length: 10 }, (_, i) =>
          cluster({
            timecode: 1000 * i,
            blocks: [
              { rel: 0, key: true, size: 300 },
              { rel: 500, size: 100 },
            ],
          }),
        ),
      ]);
      const url = new URL(srv.endpoint);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          const head =
            `POST /putMedia HTTP/1.1\r\nhost: ${url.host}\r\ntransfer-encoding: chunked\r\n` +
            `x-amzn-stream-name: ${stream}\r\n\r\n`;
          const request = Buffer.concat([
            Buffer.from(`${head}${body.length.toString(16)}\r\n`),
            body,
            Buffer.from('\r\n0\r\n\r\n'),
          ]);
          socket.write(request, () => {
            if (style === 'reset') socket.resetAndDestroy();
            else socket.destroy();
            resolve();
          });
        });
        socket.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
        });
      });
      const stored = await storedCount(srv.endpoint, stream, 10);
      process.stdout.write(`# raw ${style}: 10 sent, ${stored} stored\n`);
      assert.equal(stored, 10);
    });
  }
});
