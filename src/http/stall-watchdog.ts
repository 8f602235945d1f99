/**
 * Ends a streamed response whose client stopped taking bytes: if the response has been waiting for
 * 'drain' (socket backpressure) for `timeoutMs`, the client is reading nothing while the server
 * has data for it, and `onStall` is called. Without this, three GetMedia clients that never read
 * hold all of a stream's reader slots for as long as they keep the TCP connection (issue #11).
 * A reader idle at the live edge is not stalled: nothing is waiting to be written to it.
 */
import type { ServerResponse } from 'node:http';

export function watchStall(res: ServerResponse, timeoutMs: number, onStall: () => void): () => void {
  if (!(timeoutMs > 0)) return () => undefined;
  let blockedSince: number | undefined;
  const onDrain = (): void => {
    blockedSince = undefined;
  };
  // Sampled, so the hot write path stays untouched; the stall is noticed within timeout × 1.25.
  const timer = setInterval(
    () => {
      if (!res.writableNeedDrain) {
        blockedSince = undefined;
        return;
      }
      const now = performance.now();
      blockedSince ??= now;
      if (now - blockedSince >= timeoutMs) {
        stop();
        onStall();
      }
    },
    Math.max(25, Math.floor(timeoutMs / 4)),
  );
  timer.unref();
  res.on('drain', onDrain);
  const stop = (): void => {
    clearInterval(timer);
    res.off('drain', onDrain);
  };
  res.once('close', stop);
  return stop;
}
