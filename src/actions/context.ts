/**
 * What an action receives besides its validated input. Actions never see req/res
 * (design.md §2); streaming results are described by the types below and written by src/http.
 */
import type { Readable } from 'node:stream';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import type { MemoryBudget } from '../core/memory-budget.js';
import type { CallRateLimiter, ConnectionCounter } from '../core/rate-limit.js';
import { KVS_PLAYBACK_LIMITS, type PlaybackLimits, type PlaybackService } from '../playback/index.js';
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
  /** HLS/DASH quotas (spec §10); each 0 = lifted (`--unthrottled`). */
  playback: PlaybackLimits;
  /**
   * Bytes all PutMedia sessions together may hold in memory (partial and unpersisted fragments,
   * buffered elements); a session that would exceed it gets ERROR 4001. 0 = unlimited.
   */
  ingestMemoryBytes: number;
  /**
   * A GetMedia / GetMediaForFragmentList response whose client has not taken any bytes for this
   * long while the server had bytes to send (socket backpressure held) is ended, freeing its
   * reader slot (issue #11). 0 = never.
   */
  readerStallTimeoutMs: number;
}

export const KVS_LIMITS: ServerLimits = {
  getMediaCallsPerSecond: 5,
  getMediaConnectionsPerStream: 3,
  getMediaBytesPerSecond: 25 * 1000 * 1000,
  getMediaMaxSessionMs: 45 * 60_000,
  getMediaIdleEndMs: 0,
  putMediaCallsPerSecond: 5,
  putMediaConnectionsPerStream: 1,
  playback: KVS_PLAYBACK_LIMITS,
  ingestMemoryBytes: 256 * 1024 * 1024,
  readerStallTimeoutMs: 30_000,
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
  /** HLS/DASH sessions and their resources. */
  playback: PlaybackService;
  /** GetImages decoding (ffmpeg); refuses with a clear error when no ffmpeg is available. */
  images: ImageService;
  /** Event sink for /metrics (src/metrics); noopMetrics when not scraped. */
  metrics: Metrics;
  /** Server-wide budget for bytes PutMedia sessions hold in memory (limits.ingestMemoryBytes). */
  ingestBudget: MemoryBudget;
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
