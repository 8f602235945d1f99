/**
 * The Metrics sink behind GET /metrics: prom-client collectors in a registry of their own (so
 * several servers in one process never share series), named after the KVS CloudWatch metrics
 * (docs/metrics.md maps each one) in Prometheus style: `kvideo_<api>_<metric>_<unit>`, base
 * units (bytes, seconds), `_total` for counters. Per-stream series carry a bounded `stream`
 * label (StreamLabels); latency histograms carry none, to keep the series count small. Gauges
 * about current state (storage, connections) are read from `sources` when scraped.
 * Must not know about HTTP, storage internals or the domain modules.
 */
import client from 'prom-client';
import type { Metrics } from '../core/metrics.js';
import { StreamLabels } from './stream-labels.js';

export interface MetricsSources {
  /** Current streams: name and store id. */
  streams(): { name: string; streamId: string }[];
  /** Bytes the store holds for the stream. */
  storedBytes(streamId: string): number;
  /** Open GetMedia connections of the stream. */
  getMediaConnections(streamId: string): number;
  /** Open TCP connections of the HTTP server. */
  openConnections(): number;
}

export interface PrometheusMetricsOptions {
  /** Distinct `stream` label values before streams are aggregated (default 1000). */
  maxStreamLabels?: number;
  /** Collect prom-client's process metrics (CPU, memory, event loop, …); default true. */
  processMetrics?: boolean;
}

/**
 * Errors after which the request's stream is known to exist, so its name may take a label slot;
 * any other failure (not found, invalid name, authentication) is counted without one, so
 * made-up names cannot fill the label budget.
 */
const ERRORS_OF_EXISTING_STREAMS = new Set([
  'ClientLimitExceededException',
  'ConnectionLimitExceededException',
  'NoDataRetentionException',
  'ResourceInUseException',
  'VersionMismatchException',
  'NotImplementedException',
  'TagsPerResourceExceededLimitException',
]);

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class PrometheusMetrics implements Metrics {
  readonly registry = new client.Registry();
  readonly #labels: StreamLabels;
  #sources: MetricsSources | undefined;
  readonly #perStream: client.Metric<string>[] = [];
  readonly #outgoing = new Map<string, client.Counter<'stream'>>();

  readonly #putBytes;
  readonly #putFragments;
  readonly #ingestLatency;
  readonly #persistLatency;
  readonly #errorAcks;
  readonly #putConnections;
  readonly #getFragments;
  readonly #behindNow;
  readonly #requests;
  readonly #latency;
  readonly #images;
  readonly #retention;

  constructor(options: PrometheusMetricsOptions = {}) {
    this.#labels = new StreamLabels(options.maxStreamLabels ?? 1000);
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      this.#track(new client.Counter({ name, help, labelNames, registers }));
    const histogram = (name: string, help: string, labelNames: string[] = []) =>
      new client.Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers });

    this.#putBytes = counter(
      'kvideo_putmedia_incoming_bytes_total',
      'PutMedia.IncomingBytes: body bytes received.',
      ['stream'],
    );
    this.#putFragments = counter(
      'kvideo_putmedia_incoming_fragments_total',
      'PutMedia.IncomingFragments: complete fragments received.',
      ['stream'],
    );
    this.#ingestLatency = histogram(
      'kvideo_putmedia_fragment_ingestion_latency_seconds',
      'PutMedia.FragmentIngestionLatency: first to last byte of a fragment.',
    );
    this.#persistLatency = histogram(
      'kvideo_putmedia_fragment_persist_latency_seconds',
      'PutMedia.FragmentPersistLatency: complete fragment to PERSISTED.',
    );
    this.#errorAcks = counter(
      'kvideo_putmedia_error_acks_total',
      'PutMedia.ErrorAckCount: ERROR ACKs sent, by error code.',
      ['stream', 'error_code'],
    );
    this.#putConnections = this.#track(
      new client.Gauge({
        name: 'kvideo_putmedia_active_connections',
        help: 'PutMedia.ActiveConnections: open PutMedia sessions.',
        labelNames: ['stream'],
        registers,
      }),
    );
    this.#getFragments = counter(
      'kvideo_getmedia_outgoing_fragments_total',
      'GetMedia.OutgoingFragments: chunks sent completely.',
      ['stream'],
    );
    this.#behindNow = this.#track(
      new client.Gauge({
        name: 'kvideo_getmedia_behind_now_seconds',
        help: 'GetMedia.MillisBehindNow (in seconds) of the last chunk sent.',
        labelNames: ['stream'],
        registers,
      }),
    );
    this.#requests = counter(
      'kvideo_api_requests_total',
      '<Operation>.Requests and .Success: API requests by outcome ("success" or the error code).',
      ['operation', 'stream', 'outcome'],
    );
    this.#latency = histogram(
      'kvideo_api_request_duration_seconds',
      '<Operation>.Latency: request start to response end (whole session for streaming responses).',
      ['operation'],
    );
    this.#images = counter(
      'kvideo_getimages_images_total',
      'GetImages: images answered, by outcome (ok, NO_MEDIA, MEDIA_ERROR).',
      ['stream', 'outcome'],
    );
    this.#retention = counter(
      'kvideo_retention_deleted_bytes_total',
      'Bytes deleted by the retention sweeper.',
      ['stream'],
    );

    const label = (name: string): string => this.#labels.label(name);
    const sources = (): MetricsSources | undefined => this.#sources;
    new client.Gauge({
      name: 'kvideo_storage_bytes',
      help: 'Bytes stored for the stream (segment files on disk, or payloads in memory).',
      labelNames: ['stream'],
      registers,
      collect() {
        this.reset();
        for (const s of sources()?.streams() ?? [])
          this.inc({ stream: label(s.name) }, sources()!.storedBytes(s.streamId));
      },
    });
    new client.Gauge({
      name: 'kvideo_getmedia_active_connections',
      help: 'Open GetMedia connections.',
      labelNames: ['stream'],
      registers,
      collect() {
        this.reset();
        for (const s of sources()?.streams() ?? []) {
          const n = sources()!.getMediaConnections(s.streamId);
          if (n > 0) this.inc({ stream: label(s.name) }, n);
        }
      },
    });
    new client.Gauge({
      name: 'kvideo_streams',
      help: 'Streams that exist.',
      registers,
      collect() {
        this.set(sources()?.streams().length ?? 0);
      },
    });
    new client.Gauge({
      name: 'kvideo_http_open_connections',
      help: 'Open TCP connections to the server.',
      registers,
      collect() {
        this.set(sources()?.openConnections() ?? 0);
      },
    });
    if (options.processMetrics ?? true)
      client.collectDefaultMetrics({ register: this.registry, prefix: 'kvideo_' });
  }

  /** Where the scrape-time gauges read from (set by the composition root). */
  attach(sources: MetricsSources): void {
    this.#sources = sources;
  }

  /** The Prometheus text exposition and its Content-Type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #track<M extends client.Metric<string>>(metric: M): M {
    this.#perStream.push(metric);
    return metric;
  }

  putMediaBytes(stream: string, bytes: number): void {
    this.#putBytes.inc({ stream: this.#labels.label(stream) }, bytes);
  }

  putMediaFragmentReceived(stream: string, ingestionMs: number): void {
    this.#putFragments.inc({ stream: this.#labels.label(stream) });
    this.#ingestLatency.observe(Math.max(0, ingestionMs) / 1000);
  }

  putMediaFragmentPersisted(_stream: string, persistMs: number): void {
    this.#persistLatency.observe(Math.max(0, persistMs) / 1000);
  }

  putMediaErrorAck(stream: string, errorCode: string): void {
    this.#errorAcks.inc({ stream: this.#labels.label(stream), error_code: errorCode });
  }

  putMediaConnectionOpened(stream: string): () => void {
    const labels = { stream: this.#labels.label(stream) };
    this.#putConnections.inc(labels);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.#putConnections.dec(labels);
    };
  }

  outgoingBytes(operation: string, stream: string, bytes: number): void {
    let metric = this.#outgoing.get(operation);
    if (!metric) {
      metric = this.#track(
        new client.Counter({
          name: `kvideo_${operation.toLowerCase()}_outgoing_bytes_total`,
          help: `${operation}.OutgoingBytes: media bytes sent.`,
          labelNames: ['stream'],
          registers: [this.registry],
        }),
      );
      this.#outgoing.set(operation, metric);
    }
    metric.inc({ stream: this.#labels.label(stream) }, bytes);
  }

  getMediaFragmentSent(stream: string, millisBehindNow: number): void {
    const labels = { stream: this.#labels.label(stream) };
    this.#getFragments.inc(labels);
    this.#behindNow.set(labels, Math.max(0, millisBehindNow) / 1000);
  }

  request(operation: string, stream: string | undefined, errorCode: string | undefined, ms: number): void {
    this.#requests.inc({
      operation,
      stream:
        stream === undefined || (errorCode !== undefined && !ERRORS_OF_EXISTING_STREAMS.has(errorCode))
          ? ''
          : this.#labels.label(stream),
      outcome: errorCode ?? 'success',
    });
    this.#latency.observe({ operation }, ms / 1000);
  }

  images(stream: string, outcome: 'ok' | 'NO_MEDIA' | 'MEDIA_ERROR', count: number): void {
    this.#images.inc({ stream: this.#labels.label(stream), outcome }, count);
  }

  retentionDeleted(stream: string, bytes: number): void {
    if (bytes > 0) this.#retention.inc({ stream: this.#labels.label(stream) }, bytes);
  }

  streamRemoved(stream: string): void {
    if (!this.#labels.release(stream)) return;
    // Remove every series whose stream label is this stream, whatever its other labels.
    for (const metric of this.#perStream) {
      void Promise.resolve(metric.get()).then(({ values }) => {
        for (const { labels } of values) {
          if (labels.stream === stream)
            (metric as client.Counter<string>).remove(labels as client.LabelValues<string>);
        }
      });
    }
  }
}
