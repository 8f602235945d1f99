/**
 * `kvideo get-media --follow` against a server that is down is never silent: each failed attempt
 * is reported on stderr (attempt number, the error, the delay) and, on a terminal, in the
 * progress line; when the server comes up the reader says it reconnected and gets the media.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { createKvideoServer, type KvideoServer } from '../../src/server.js';
import { clusters, ebmlHeader, segmentHead } from '../helpers/mkv-stream.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { controlPlaneClient, startServer, tempDir } from '../helpers/server.js';
import { readChunks } from './helpers/chunks.js';
import { BIN, cliEnv, collect, kvideoOnTty, scriptMissing } from './helpers/run-cli.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('get-media --follow while the server is down', () => {
  const dir = tempDir('kvideo-cli-reconnect-');
  let late: KvideoServer | undefined;
  after(async () => {
    await late?.close();
  });

  test('reports every failed attempt, then reconnects when the server comes up', async () => {
    // A data dir with three stored fragments, served later on a port that is closed for now.
    const dataDir = tempDir();
    const first = await startServer({ dataDir });
    const kv = controlPlaneClient(first.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'cam', DataRetentionInHours: 1 }));
    kv.destroy();
    const put = await putMediaRaw({
      endpoint: first.endpoint,
      headers: {
        'x-amzn-stream-name': 'cam',
        'x-amzn-fragment-timecode-type': 'RELATIVE',
        'x-amzn-producer-start-timestamp': `${Math.floor(Date.now() / 1000)}.000`,
      },
      pieces: [Buffer.concat([ebmlHeader(), segmentHead()]), ...clusters(3)],
    });
    assert.equal(put.acks.filter((a) => a.EventType === 'PERSISTED').length, 3);
    await first.close({ keepData: true });

    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const out = join(dir, 'late.mkv');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'get-media',
        '--endpoint-url',
        endpoint,
        '--stream-name',
        'cam',
        '--start-selector',
        'StartSelectorType=EARLIEST',
        out,
        '--follow',
        '--max-fragments',
        '3',
      ],
      { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    // The server comes up once the reader has reported three failed attempts.
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('GetMedia attempt 3 failed')) resolve();
      });
      void exited.then(() => resolve());
    });
    late = await createKvideoServer({ dataDir });
    await late.listen(port, '127.0.0.1');
    const code = await exited;
    clearTimeout(kill);

    assert.equal(code, 0, stderr);
    for (const attempt of [1, 2, 3]) {
      assert.match(
        stderr,
        new RegExp(
          `^GetMedia attempt ${attempt} failed: Could not connect to the endpoint URL: "${endpoint}/getMedia"; reconnecting in \\d+\\.\\d s$`,
          'm',
        ),
      );
    }
    assert.match(stderr, /^GetMedia reconnected after \d+ failed attempts$/m);
    assert.equal(stdout, '{\n    "ContentType": "video/webm"\n}\n');
    const chunks = readChunks(readFileSync(out));
    assert.deepEqual(
      chunks.map((c) => c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER),
      put.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber),
    );
  });

  test('on a terminal the progress line says it is reconnecting', { skip: scriptMissing }, async () => {
    const port = await closedPort();
    const child = kvideoOnTty([
      'get-media',
      '--endpoint-url',
      `http://127.0.0.1:${port}`,
      '--stream-name',
      'cam',
      '--start-selector',
      'StartSelectorType=NOW',
      join(dir, 'never.mkv'),
      '--follow',
    ]);
    let seen = '';
    let interrupted = false;
    // The terminal may be gone by the time a late write reaches it.
    child.stdin!.on('error', () => undefined);
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      // Ctrl-C (once) when two attempts have been shown.
      if (!interrupted && seen.includes('attempt 2 failed')) {
        interrupted = true;
        child.stdin!.write('\x03');
      }
    });
    const { code, output } = await collect(child, 60_000);
    assert.equal(code, 130, output);
    assert.match(
      output,
      new RegExp(
        `\\r0 fragments, 0 B, 0 B/s, reconnecting \\(attempt 2 failed: Could not connect to the endpoint URL: "http://127\\.0\\.0\\.1:${port}/getMedia"\\)`,
      ),
    );
    assert.doesNotMatch(output, /^GetMedia attempt/m, 'on a terminal only the progress line speaks');
  });
});
