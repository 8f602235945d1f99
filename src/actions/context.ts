/**
 * What an action receives besides its validated input. Actions never see req/res
 * (design.md §2); streaming results are described by the types below and written by src/http.
 */
import type { Readable } from 'node:stream';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import type { CallRateLimiter, ConnectionCounter } from '../core/rate-limit.js';
import type { ImageService } from '../images/image-service.js';
import type { IngestRegistry } from '../ingest/ingest-registry.js';
import type { IngestLimits } from '../ingest/limits.js';
import type { FragmentStore } from '../storage/types.js';
import type { StreamService } from '../streams/stream-service.js';

export interface ServerLimits {
  /** GetMedia calls per second per stream (KVS: 5). */
  getMediaCallsPerSecond: number;
  /** Concurrent GetMedia connections per stream (KVS: 3). */
  getMediaConnectionsPerStream: number;
  /** Bytes per second per GetMedia session (KVS: 25 MB/s); 0 = unthrottled. */
  getMediaBytesPerSecond: number;
  /** GetMedia responses end (between chunks) after this long (KVS: about 45 minutes). */
  getMediaMaxSessionMs: number;
  /** GetMedia responses end after this long at the live edge without new data; 0 = stay open. */
  getMediaIdleEndMs: number;
  /** PutMedia calls per second per stream (KVS: 5). */
  putMediaCallsPerSecond: number;
  /** Concurrent PutMedia connections per stream (KVS: 1). */
  putMediaConnectionsPerStream: number;
}

export const KVS_LIMITS: ServerLimits = {
  getMediaCallsPerSecond: 5,
  getMediaConnectionsPerStream: 3,
  getMediaBytesPerSecond: 25 * 1000 * 1000,
  getMediaMaxSessionMs: 45 * 60_000,
  getMediaIdleEndMs: 0,
  putMediaCallsPerSecond: 5,
  putMediaConnectionsPerStream: 1,
};

export interface ActionServices {
  streams: StreamService;
  fragments: FragmentStore;
  clock: Clock;
  logger: Logger;
  limits: ServerLimits;
  ingest: IngestRegistry;
  getMediaLimits: { calls: CallRateLimiter; connections: ConnectionCounter };
  ingestLimits: IngestLimits;
  /** GetImages decoding (ffmpeg); refuses with a clear error when no ffmpeg is available. */
  images: ImageService;
  /** Event sink for /metrics (src/metrics); noopMetrics when not scraped. */
  metrics: Metrics;
  /** Origin returned by GetDataEndpoint, e.g. http://127.0.0.1:4567 (no path, no trailing slash). */
  dataEndpoint(): string;
}

export interface RequestContext {
  requestId: string;
  /** Aborts when the client goes away or the server shuts down. */
  signal: AbortSignal;
  /** Stream name/ARN the request concerns, for the request log line. */
  logFields: Record<string, unknown>;
}

/** A response body streamed to the client with backpressure. */
export interface MediaResult {
  kind: 'media';
  contentType: string;
  body: Readable;
}
