/**
 * The server-wide connection cap (`--max-connections`): past it, node closes new TCP connections as
 * soon as they are accepted, before any byte is read, so a flood of sockets (idle, slowloris or
 * hostile uploads) costs a bounded amount of memory and descriptors (issue #11). KVS itself has
 * only per-stream connection quotas (ConnectionLimitExceededException, spec §10), which stay as
 * they are; this cap is about the host. Drops are logged, at most once per interval.
 */
import type { Server } from 'node:net';
import type { Logger } from '../core/logger.js';

const LOG_EVERY_MS = 10_000;

export function capConnections(server: Server, max: number, logger: Logger): void {
  if (!(max > 0) || !Number.isFinite(max)) return;
  server.maxConnections = max;
  let dropped = 0;
  let loggedAt = -Infinity;
  server.on('drop', () => {
    dropped += 1;
    const now = performance.now();
    if (now - loggedAt < LOG_EVERY_MS) return;
    loggedAt = now;
    logger.warn(
      { maxConnections: max, dropped },
      'connection cap reached: new connections are being closed (raise --max-connections)',
    );
  });
}
