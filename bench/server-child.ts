/**
 * The server under test, as its own process (so load generator and server never share an event
 * loop): createKvideoServer on a data directory with the GetMedia data-rate cap off and the
 * per-stream GetMedia call/connection and HLS/DASH quotas lifted (`kvideo serve` has no flags for those).
 * Talks to the bench over the fork IPC channel: `ready` once listening, `stats` on request
 * (process.cpuUsage and memoryUsage), `gc` (with --expose-gc), `stop` (clean close, then exit so
 * --cpu-prof writes its profile).
 * Run by bench/lib/server.ts; not meant to be started by hand.
 */
import { UNLIMITED_PLAYBACK } from '../src/playback/index.js';
import { createKvideoServer } from '../src/server.js';

const started = performance.now();
const dataDir = process.argv[2];
if (!dataDir || !process.send) {
  console.error('usage: forked by bench/lib/server.ts with <data-dir>');
  process.exit(2);
}
const send = (message: object): void => {
  process.send?.(message);
};

const kvideo = await createKvideoServer({
  dataDir,
  limits: {
    getMediaBytesPerSecond: 0,
    getMediaCallsPerSecond: 0,
    getMediaConnectionsPerStream: 0,
    playback: UNLIMITED_PLAYBACK,
  },
});
const opened = performance.now();
const origin = await kvideo.listen(0, '127.0.0.1');
send({ type: 'ready', origin, openMs: opened - started, readyMs: performance.now() - started });

let stopping = false;
process.on('message', (message: { type: string; id?: number }) => {
  switch (message.type) {
    case 'stats':
      send({
        type: 'stats',
        id: message.id,
        cpu: process.cpuUsage(),
        memory: process.memoryUsage(),
      });
      break;
    case 'gc':
      (globalThis as { gc?: () => void }).gc?.();
      send({ type: 'gc', id: message.id });
      break;
    case 'stop':
      if (stopping) return;
      stopping = true;
      kvideo.close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
      break;
  }
});
// The parent going away must not leave a server behind.
process.on('disconnect', () => {
  if (!stopping) process.exit(0);
});
