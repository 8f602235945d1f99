/**
 * Child-process entry point running s3rver (an S3 API emulator from npm, the fallback when no real
 * S3-compatible server installs here) on 127.0.0.1, an ephemeral port, one bucket. Prints
 * `PORT <n>` once listening and exits when its parent closes stdin. A separate process because
 * the cluster backend blocks its main thread on synchronous reads (src/storage/cluster/sync-bridge).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// s3rver ships no types; the subset used here.
const S3rver = require('s3rver') as new (options: object) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
};

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
});
const { port } = await server.run();
process.stdout.write(`PORT ${port}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
