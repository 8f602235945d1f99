/**
 * `kvideo serve` flags of this area, run as users run it: --ffmpeg (and KVIDEO_FFMPEG) naming a
 * missing binary logs a warning at start and GetImages answers the error saying how to enable
 * it; --metrics-public with --auth serves /metrics unsigned while the APIs stay signed.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import {
  GetImagesCommand,
  KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { captureError, TEST_CREDENTIALS, TEST_REGION, tempDir } from '../helpers/server.js';
import { ingestFixture } from '../helpers/images.js';

const BIN = fileURLToPath(new URL('../../../bin/kvideo', import.meta.url));

/** Starts `kvideo serve`; resolves with its origin and every log line up to "kvideo listening". */
function serve(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; origin: string; log: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let log = '';
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      const match = /"origin":"(http:\/\/[^"]+)"/.exec(log);
      if (match) resolve({ child, origin: match[1]!, log });
    });
    child.once('exit', (code) => reject(new Error(`kvideo serve exited (${code}): ${log}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('kvideo serve: --ffmpeg and --metrics-public', () => {
  test('a missing ffmpeg: warning at start, GetImages names the fix, the rest works', async () => {
    const dir = tempDir();
    for (const [args, env] of [
      [['--ffmpeg', '/nonexistent/ffmpeg'], {}],
      [[], { KVIDEO_FFMPEG: '/nonexistent/ffmpeg' }],
    ] as const) {
      const { child, origin, log } = await serve(
        ['--data-dir', join(dir, String(args.length)), ...args],
        env,
      );
      try {
        assert.match(log, /GetImages is disabled until ffmpeg is available/);
        assert.match(log, /\/nonexistent\/ffmpeg/);
        await ingestFixture(origin, 'cam', 'h264-only.mkv', 1_700_000_000);
        const client = new KinesisVideoArchivedMediaClient({
          endpoint: origin,
          region: TEST_REGION,
          credentials: TEST_CREDENTIALS,
          maxAttempts: 1,
        });
        const err = await captureError(() =>
          client.send(
            new GetImagesCommand({
              StreamName: 'cam',
              ImageSelectorType: 'PRODUCER_TIMESTAMP',
              StartTimestamp: new Date(1_700_000_000_000),
              EndTimestamp: new Date(1_700_000_001_000),
              Format: 'JPEG',
            }),
          ),
        );
        client.destroy();
        assert.equal(err.name, 'NotImplementedException');
        assert.match(err.message, /--ffmpeg PATH \(env KVIDEO_FFMPEG\)/);
      } finally {
        await stop(child);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('--metrics-public: /metrics unsigned, APIs still need a signature', async () => {
    const dir = tempDir();
    const auth = join(dir, 'auth.yaml');
    writeFileSync(auth, 'credentials:\n  - accessKeyId: AKIDOPS\n    secretAccessKey: ops-secret\n');
    for (const [args, env, status] of [
      [['--auth', auth], {}, 403],
      [['--auth', auth, '--metrics-public'], {}, 200],
      [['--auth', auth], { KVIDEO_METRICS_PUBLIC: '1' }, 200],
    ] as const) {
      const { child, origin } = await serve(
        ['--data-dir', join(dir, `d${status}${args.length}`), ...args],
        env,
      );
      try {
        assert.equal((await fetch(`${origin}/metrics`)).status, status, args.join(' '));
        assert.equal((await fetch(`${origin}/health`)).status, 200);
        const api = await fetch(`${origin}/listStreams`, { method: 'POST', body: '{}' });
        assert.equal(api.status, 403);
      } finally {
        await stop(child);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
