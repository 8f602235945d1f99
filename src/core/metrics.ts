/**
 * The metrics surface domain code reports to: one method per observable event, named after the
 * KVS CloudWatch metric it feeds where one exists (PutMedia.IncomingBytes, GetMedia.MillisBehindNow,
 * …). Domain modules receive it through their existing options or context objects and call it in
 * one line; src/metrics implements it with prom-client. Must not know about Prometheus or HTTP.
 */
export interface Metrics {
  /** PutMedia.IncomingBytes: request body bytes received for the stream. */
  putMediaBytes(stream: string, bytes: number): void;
  /**
   * PutMedia.IncomingFragments and PutMedia.FragmentIngestionLatency: a fragment was received
   * completely; `ingestionMs` runs from its first byte to its last (KVS's definition).
   */
  putMediaFragmentReceived(stream: string, ingestionMs: number): void;
  /** PutMedia.FragmentPersistLatency: from the complete fragment to its PERSISTED ACK. */
  putMediaFragmentPersisted(stream: string, persistMs: number): void;
  /** PutMedia.ErrorAckCount: an ERROR ACK was sent, by its error code. */
  putMediaErrorAck(stream: string, errorCode: string): void;
  /** PutMedia.ActiveConnections: a session opened; the returned function closes it. */
  putMediaConnectionOpened(stream: string): () => void;
  /** Media bytes sent by GetMedia, GetMediaForFragmentList, GetClip, … (`<Op>.OutgoingBytes`). */
  outgoingBytes(operation: string, stream: string, bytes: number): void;
  /** GetMedia.OutgoingFragments and GetMedia.MillisBehindNow: one chunk was sent completely. */
  getMediaFragmentSent(stream: string, millisBehindNow: number): void;
  /**
   * One API request finished: `<Op>.Requests`, `<Op>.Success` (errorCode undefined) and
   * `<Op>.Latency`. `stream` is undefined for operations that name none (ListStreams).
   */
  request(operation: string, stream: string | undefined, errorCode: string | undefined, ms: number): void;
  /** GetImages: images answered, by outcome (`ok`, `NO_MEDIA`, `MEDIA_ERROR`). */
  images(stream: string, outcome: 'ok' | 'NO_MEDIA' | 'MEDIA_ERROR', count: number): void;
  /** Bytes the retention sweeper deleted for the stream. */
  retentionDeleted(stream: string, bytes: number): void;
  /** The stream was deleted: its per-stream series are dropped and its label slot freed. */
  streamRemoved(stream: string): void;
}

const nothing = (): void => undefined;

/** The default: every event is ignored (tests and embedders that do not scrape metrics). */
export const noopMetrics: Metrics = {
  putMediaBytes: nothing,
  putMediaFragmentReceived: nothing,
  putMediaFragmentPersisted: nothing,
  putMediaErrorAck: nothing,
  putMediaConnectionOpened: () => nothing,
  outgoingBytes: nothing,
  getMediaFragmentSent: nothing,
  request: nothing,
  images: nothing,
  retentionDeleted: nothing,
  streamRemoved: nothing,
};
