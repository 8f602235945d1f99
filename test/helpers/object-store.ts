/**
 * Starts an S3-compatible object store for one test file, in its own process on 127.0.0.1:
 * Ceph's radosgw when a single-node Ceph can be brought up here (test/helpers/radosgw.ts), else
 * s3rver from npm — an emulator, so every test says which one ran. `stop()` removes everything.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startRadosgw } from './radosgw.js';
import { reapOnExit } from './reaper.js';

export interface ObjectStoreServer {
  kind: 'radosgw' | 's3rver';
  /** s3://key:secret@bucket/prefix?endpoint=…&region=… as `kvideo serve --object-store` takes it. */
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

const BUCKET = 'kvideo-test';

export async function startObjectStore(prefix = 'fragments'): Promise<ObjectStoreServer> {
  const rgw = await startRadosgw(BUCKET);
  if ('server' in rgw) {
    return {
      ...rgw.server,
      kind: 'radosgw',
      url: `s3://${rgw.server.accessKeyId}:${rgw.server.secretAccessKey}@${BUCKET}/${prefix}?${rgw.server.query}`,
    };
  }
  console.log(`# object store: s3rver (an S3 emulator from npm) — radosgw not used: ${rgw.reason}`);
  return startS3rver(prefix);
}

async function startS3rver(prefix: string): Promise<ObjectStoreServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kvideo-s3-'));
  const main = new URL('./s3rver-main.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [main, dir, BUCKET], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^PORT (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const reaper = reapOnExit(`kill -9 ${child.pid} 2>/dev/null; rm -rf ${dir}`);
  return {
    kind: 's3rver',
    url: `s3://S3RVER:S3RVER@${BUCKET}/${prefix}?endpoint=http://127.0.0.1:${port}&region=us-east-1`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reaper.cancel();
    },
  };
}
