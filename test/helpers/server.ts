/** Starts kvideo in-process on port 0 with a temp data dir, and makes SDK clients for it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { createKvideoServer, type KvideoOptions, type KvideoServer } from '../../src/server.js';

export interface TestServer {
  kvideo: KvideoServer;
  endpoint: string;
  dataDir: string;
  /** Stops the server (and removes the data dir unless keepData). */
  close(opts?: { keepData?: boolean }): Promise<void>;
}

export const TEST_REGION = 'us-west-2';
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

export function tempDir(prefix = 'kvideo-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startServer(options: Partial<KvideoOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const kvideo = await createKvideoServer({ segmentBytes: 1 << 20, ...options, dataDir });
  const endpoint = await kvideo.listen(0, '127.0.0.1');
  return {
    kvideo,
    endpoint,
    dataDir,
    async close(opts = {}) {
      await kvideo.close();
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function controlPlaneClient(endpoint: string): KinesisVideoClient {
  return new KinesisVideoClient({
    endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}

/** Runs `fn` and returns the error it throws, failing if it does not throw. */
export async function captureError(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}
