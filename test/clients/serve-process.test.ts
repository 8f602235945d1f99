/**
 * `kvideo serve` as users run it: settings from flags and KVIDEO_* variables, one JSON log line
 * per request, GetDataEndpoint answering the configured public URL, clean exit on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand, GetDataEndpointCommand } from '@aws-sdk/client-kinesis-video';
import { controlPlaneClient, tempDir } from '../helpers/server.js';

const BIN = fileURLToPath(new URL('../../../bin/kvideo', import.meta.url));

test('kvideo serve: env settings, request log lines, public endpoint, SIGTERM', async () => {
  const dataDir = join(tempDir(), 'data');
  const child = spawn(process.execPath, [BIN, 'serve', '--public-endpoint', 'https://kvideo.example:8443'], {
    env: { ...process.env, KVIDEO_PORT: '0', KVIDEO_DATA_DIR: dataDir, KVIDEO_REGION: 'eu-west-1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /"origin":"(http:\/\/[^"]+)"/.exec(stdout);
        if (m) {
          clearInterval(timer);
          resolve(m[1]!);
        }
      }, 20);
      child.once('exit', () => reject(new Error(`exited early: ${stdout}`)));
    });
    assert.ok(existsSync(dataDir), 'KVIDEO_DATA_DIR is used');
    const kv = controlPlaneClient(origin);
    const { StreamARN } = await kv.send(new CreateStreamCommand({ StreamName: 'logged' }));
    assert.match(StreamARN ?? '', /^arn:aws:kinesisvideo:eu-west-1:/);
    const ep = await kv.send(new GetDataEndpointCommand({ StreamName: 'logged', APIName: 'PUT_MEDIA' }));
    assert.equal(ep.DataEndpoint, 'https://kvideo.example:8443');
    kv.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const lines = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const create = lines.find((l) => l.operation === 'CreateStream');
    assert.ok(create, stdout);
    assert.equal(create.stream, 'logged');
    assert.equal(create.status, 200);
    assert.equal(typeof create.ms, 'number');
    assert.match(String(create.requestId), /^[0-9a-f-]{36}$/);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stdout, /shutting down/);
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
