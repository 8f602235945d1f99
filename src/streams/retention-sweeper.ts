/**
 * Deletes fragments that fell out of their stream's retention window, periodically. Retention 0
 * keeps KVS's volatile buffer semantics: fragments stay readable for 5 minutes (spec §2.1).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { noopMetrics, type Metrics } from '../core/metrics.js';
import type { FragmentStore } from '../storage/types.js';
import type { StreamService } from './stream-service.js';

export const ZERO_RETENTION_BUFFER_MS = 5 * 60_000;

export function retentionCutoffMs(retentionHours: number, nowMs: number): number {
  return nowMs - (retentionHours === 0 ? ZERO_RETENTION_BUFFER_MS : retentionHours * 3600_000);
}

export class RetentionSweeper {
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> = Promise.resolve();

  constructor(
    streams: StreamService,
    fragments: FragmentStore,
    clock: Clock,
    logger: Logger,
    intervalMs = 60_000,
    metrics: Metrics = noopMetrics,
  ) {
    const sweep = async (): Promise<void> => {
      for (const stream of streams.list()) {
        try {
          const before = fragments.storedBytes(stream.streamId);
          await fragments.applyRetention(
            stream.streamId,
            retentionCutoffMs(stream.dataRetentionInHours, clock.now()),
          );
          metrics.retentionDeleted(stream.streamName, before - fragments.storedBytes(stream.streamId));
        } catch (err) {
          logger.error({ err, stream: stream.streamName }, 'retention sweep failed');
        }
      }
    };
    this.#timer = setInterval(() => {
      this.#running = this.#running.then(sweep);
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
