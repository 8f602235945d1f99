/**
 * Composition root: builds storage, domain services and the HTTP handler from options, and
 * returns a plain node:http Server plus a close() that shuts everything down cleanly. No logic
 * lives here (design.md §1); tests start it in-process on port 0 with a temp dir.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KVS_LIMITS, type ActionServices, type ServerLimits } from './actions/index.js';
import { createAuthenticator, type CredentialStore } from './auth/index.js';
import { systemClock, type Clock } from './core/clock.js';
import { DEFAULT_IDENTITY, type ServiceIdentity } from './core/config.js';
import { silentLogger, type Logger } from './core/logger.js';
import { MemoryBudget } from './core/memory-budget.js';
import { CallRateLimiter, ConnectionCounter } from './core/rate-limit.js';
import { capConnections } from './http/connection-cap.js';
import { createRequestHandler } from './http/handler.js';
import { consoleRoutes } from './http/console-route.js';
import { HEALTH_PATH, METRICS_PATH, healthRoute, metricsRoute } from './http/observability-routes.js';
import { putMediaRoute } from './http/put-media-route.js';
import { PUT_MEDIA_PATH } from './http/router.js';
import { locateFfmpeg } from './images/ffmpeg-locator.js';
import { ImageService } from './images/image-service.js';
import { IngestRegistry } from './ingest/ingest-registry.js';
import { PlaybackService } from './playback/index.js';
import { KVS_INGEST_LIMITS, type IngestLimits } from './ingest/limits.js';
import { PrometheusMetrics, type PrometheusMetricsOptions } from './metrics/prometheus-metrics.js';
import { checkStorageHealth } from './metrics/health.js';
import { openClusterStorage, openFileStorage, openMemoryStorage, type Storage } from './storage/index.js';
import { RetentionSweeper } from './streams/retention-sweeper.js';
import { StreamService } from './streams/stream-service.js';

export interface KvideoOptions {
  /** Data directory of the embedded file store; omit with `memory: true`. */
  dataDir?: string;
  memory?: boolean;
  /** Cluster mode (`--cluster`, `--object-store`): PostgreSQL + S3-compatible storage instead of dataDir. */
  cluster?: { postgresUrl: string; objectStoreUrl: string };
  clock?: Clock;
  logger?: Logger;
  identity?: Partial<ServiceIdentity>;
  limits?: Partial<ServerLimits>;
  ingestLimits?: Partial<IngestLimits>;
  /** Origin GetDataEndpoint returns; defaults to the address the server listens on. */
  publicEndpoint?: string;
  /** Segment file size of the file store (tests use small values). */
  segmentBytes?: number;
  /** Rebuild the file store's index from the segments at start (`kvideo serve --rebuild-index`). */
  rebuildIndex?: boolean;
  /** Enforce SigV4 with these keys (`--auth FILE`); absent = any credentials are accepted. */
  credentials?: CredentialStore;
  /** Serve HTTPS with this PEM certificate (chain) and key (`--tls-cert`, `--tls-key`). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Connection-level limits against hostile clients; see HTTP_DEFAULTS. */
  http?: Partial<HttpLimits>;
  /** ffmpeg binary for GetImages (`--ffmpeg`); default: `ffmpeg` on PATH. */
  ffmpeg?: string;
  /** GetImages decoding bounds: ffmpeg processes at once (2) and per-run timeout (20 s). */
  images?: { concurrency?: number; timeoutMs?: number };
  /** Serve GET /metrics without authentication even with `credentials` (`--metrics-public`). */
  metricsPublic?: boolean;
  /** Options of the Prometheus metrics (label cap, process metrics). */
  metrics?: PrometheusMetricsOptions;
  /** How long close() lets open PutMedia sessions drain (persist, ACK, end) before cutting them. */
  shutdownDrainMs?: number;
  /** Serve the web console on GET / and /streams/<name> (default true; `--no-console` turns it off). */
  console?: boolean;
}

export interface HttpLimits {
  /** The request line and headers must arrive within this time (slowloris headers). */
  headersTimeoutMs: number;
  /** How often node checks headersTimeout on open connections. */
  connectionsCheckingIntervalMs: number;
  /** A JSON request body must be complete within this time. PutMedia bodies are exempt. */
  jsonBodyTimeoutMs: number;
  /** Largest request head accepted; larger ones get 431. */
  maxHeaderSize: number;
  /** Idle kept-alive connections are closed after this long. */
  keepAliveTimeoutMs: number;
  /** Open connections at most; newer ones are closed on accept (src/http/connection-cap.ts). 0 = no cap. */
  maxConnections: number;
}

export const HTTP_DEFAULTS: HttpLimits = {
  headersTimeoutMs: 30_000,
  connectionsCheckingIntervalMs: 5_000,
  jsonBodyTimeoutMs: 60_000,
  maxHeaderSize: 16 * 1024,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 4096,
};

export interface KvideoServer {
  server: Server;
  storage: Storage;
  /** Listens and resolves with the bound origin, e.g. http://127.0.0.1:4567. */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

export async function createKvideoServer(options: KvideoOptions): Promise<KvideoServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const identity = { ...DEFAULT_IDENTITY, ...options.identity };
  const limits = { ...KVS_LIMITS, ...options.limits };
  if (!options.memory && !options.cluster && !options.dataDir) {
    throw new Error('dataDir is required unless memory or cluster is set');
  }
  const storage = options.cluster
    ? await openClusterStorage({ ...options.cluster, logger })
    : options.memory
      ? await openMemoryStorage()
      : await openFileStorage({
          dataDir: options.dataDir!,
          segmentBytes: options.segmentBytes,
          logger,
          ...(options.rebuildIndex ? { rebuildIndex: true } : {}),
        });

  const metrics = new PrometheusMetrics(options.metrics);
  const streams = new StreamService(storage.meta, clock, identity);
  const ingest = new IngestRegistry(storage.fragments, clock, limits);
  streams.onStreamRemoved((record) => {
    ingest.streamRemoved(record.streamId);
    metrics.streamRemoved(record.streamName);
    storage.fragments.dropStream(record.streamId).catch((err: unknown) => {
      logger.error({ err, stream: record.streamName }, 'dropping deleted stream data failed');
    });
  });
  const sweeper = new RetentionSweeper(streams, storage.fragments, clock, logger, undefined, metrics);
  const ffmpeg = locateFfmpeg(options.ffmpeg);
  if ('missing' in ffmpeg) {
    logger.warn(
      { reason: ffmpeg.missing },
      'GetImages is disabled until ffmpeg is available (--ffmpeg PATH)',
    );
  }
  const images = new ImageService({
    store: storage.fragments,
    ffmpeg,
    logger,
    metrics,
    ...options.images,
  });

  let origin = options.publicEndpoint;
  const services: ActionServices = {
    streams,
    fragments: storage.fragments,
    clock,
    logger,
    limits,
    ingest,
    getMediaLimits: {
      calls: new CallRateLimiter(limits.getMediaCallsPerSecond, clock),
      connections: new ConnectionCounter(limits.getMediaConnectionsPerStream),
    },
    ingestLimits: { ...KVS_INGEST_LIMITS, ...options.ingestLimits },
    ingestBudget: new MemoryBudget(limits.ingestMemoryBytes),
    playback: new PlaybackService({
      store: storage.fragments,
      streams,
      clock,
      limits: limits.playback,
      dataDir: options.memory ? undefined : options.dataDir,
    }),
    dataEndpoint: () => origin ?? 'http://127.0.0.1',
    images,
    metrics,
  };
  const startedAt = clock.now();
  const http = { ...HTTP_DEFAULTS, ...options.http };
  const handler = createRequestHandler({
    services,
    rawRoutes: { [PUT_MEDIA_PATH]: putMediaRoute(services) },
    getRoutes: {
      [METRICS_PATH]: metricsRoute(() => metrics.scrape(), options.metricsPublic ?? false),
      [HEALTH_PATH]: healthRoute(async () => ({
        ...(await checkStorageHealth(
          storage.meta,
          options.memory || options.cluster ? undefined : options.dataDir,
        )),
        uptimeSeconds: Math.round((clock.now() - startedAt) / 1000),
      })),
    },
    ...(options.console === false
      ? {}
      : { pageRoutes: consoleRoutes({ auth: options.credentials !== undefined, region: identity.region }) }),
    ...(options.credentials ? { auth: createAuthenticator(options.credentials, clock) } : {}),
    jsonBodyTimeoutMs: http.jsonBodyTimeoutMs,
  });
  // requestTimeout stays 0: PutMedia bodies legitimately last up to 45 minutes and are bounded by
  // the ingest session's 30 s idle rule instead; JSON bodies have jsonBodyTimeoutMs.
  const serverOptions = {
    keepAliveTimeout: http.keepAliveTimeoutMs,
    requestTimeout: 0,
    headersTimeout: http.headersTimeoutMs,
    connectionsCheckingInterval: http.connectionsCheckingIntervalMs,
    maxHeaderSize: http.maxHeaderSize,
  };
  const scheme = options.tls ? 'https' : 'http';
  // node:https servers share node:http's request machinery; typed as http.Server for callers.
  const server = (
    options.tls
      ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, handler)
      : createHttpServer(serverOptions, handler)
  ) as Server;
  let openConnections = 0;
  server.on('connection', (socket) => {
    openConnections += 1;
    socket.once('close', () => (openConnections -= 1));
  });
  metrics.attach({
    streams: () => streams.list().map((r) => ({ name: r.streamName, streamId: r.streamId })),
    storedBytes: (id) => storage.fragments.storedBytes(id),
    getMediaConnections: (id) => services.getMediaLimits.connections.count(id),
    openConnections: () => openConnections,
  });
  // Producers such as ffmpeg half-close after the last body byte; node would then end the socket
  // and drop the ACKs still due (RECEIVED/PERSISTED of the last fragment). Keep the write side open.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  capConnections(server, http.maxConnections, logger);

  return {
    server,
    storage,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const addr = server.address() as AddressInfo;
          const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          const bound = `${scheme}://${shownHost === '0.0.0.0' || shownHost === '[::]' ? '127.0.0.1' : shownHost}:${addr.port}`;
          origin ??= bound;
          resolve(bound);
        });
      });
    },
    async close() {
      await sweeper.stop();
      // Stop accepting, then drain ingest (SIGTERM): every open PutMedia session persists what it
      // received, sends PERSISTED, ERROR 5000 for the fragment it cannot finish, and ends its response.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const left = await ingest.shutdown(options.shutdownDrainMs ?? 10_000);
      if (left > 0) logger.warn({ sessions: left }, 'PutMedia sessions still open after the drain timeout');
      server.closeAllConnections();
      await closed;
      await storage.close();
    },
  };
}
