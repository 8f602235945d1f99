/**
 * The storage contract: stream metadata and fragments, behind interfaces that the memory and
 * file backends both implement and one contract suite (test/contract) checks. Fragment bytes
 * are opaque here: storage never parses Matroska.
 */
import type { Readable } from 'node:stream';

/** Control-plane record of one stream, as kept by the metadata store. */
export interface StreamRecord {
  /** Internal, filesystem-safe identifier chosen at creation; never derived from the name. */
  streamId: string;
  streamName: string;
  streamArn: string;
  deviceName?: string;
  mediaType?: string;
  kmsKeyId: string;
  version: string;
  status: 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';
  /** Epoch milliseconds. */
  creationTimeMs: number;
  dataRetentionInHours: number;
  tags: Record<string, string>;
  /**
   * Stream settings kept as the validated API structures (ImageGenerationConfiguration,
   * NotificationConfiguration); opaque JSON to storage, absent when not configured.
   */
  imageGenerationConfiguration?: Record<string, unknown>;
  notificationConfiguration?: Record<string, unknown>;
}

export interface StreamMetaStore {
  getByName(streamName: string): StreamRecord | undefined;
  /** All streams, sorted by name. */
  list(): StreamRecord[];
  /** Durable once the promise resolves. Rejects with a KvsError ResourceInUseException if the name exists. */
  create(record: StreamRecord): Promise<void>;
  /** Durable once the promise resolves. */
  update(record: StreamRecord): Promise<void>;
  /** Durable once the promise resolves. */
  remove(streamName: string): Promise<void>;
}

/**
 * The producer's header bytes a fragment is served with (spec §6.3 [1] and [3]): the EBML header
 * exactly as sent, and every level-1 element between the Segment start and the first Cluster.
 */
export interface StreamHeader {
  ebmlHeader: Uint8Array;
  segmentHeader: Uint8Array;
}

/** Everything the index knows about one stored fragment. Timestamps are epoch milliseconds. */
export interface FragmentMeta {
  /** 47-digit fixed-width decimal string. */
  fragmentNumber: string;
  producerTimestampMs: number;
  serverTimestampMs: number;
  durationMs: number;
  /** Bytes of the stored payload (the Cluster plus trailing level-1 elements). */
  size: number;
  /** Whether the first block of the fragment is a key frame. */
  startsWithKeyFrame: boolean;
  /** Raw cluster timecode as sent, echoed in ACKs. */
  clusterTimecode: number;
  /** Identifies the StreamHeader this fragment is served with (see FragmentStore.putHeader). */
  headerId: number;
}

export type FragmentInput = Omit<FragmentMeta, 'size' | 'headerId'>;

export type TimestampClock = 'PRODUCER' | 'SERVER';

/** A position in a timestamp-ordered listing: the last fragment returned (pagination cursor). */
export interface TimestampCursor {
  timestampMs: number;
  fragmentNumber: string;
}

export interface FragmentStoreCapabilities {
  /** Data survives close() and reopen (file backend yes, memory backend no). */
  persistent: boolean;
}

/**
 * Fragments of every stream. Streams are addressed by StreamRecord.streamId.
 *
 * Ordering and durability rules:
 * - appendFragment resolves only after the payload and its index entry are durable (fsync);
 *   calls for different streams or concurrent calls may share one sync (group commit).
 * - Fragment numbers are strictly increasing per stream; appendFragment rejects a number that is
 *   not greater than the stream's last one.
 * - Lookups are O(log n) in the number of fragments of the stream.
 */
export interface FragmentStore {
  readonly capabilities: FragmentStoreCapabilities;

  /** Starts the store (recovery happens here for the file backend). */
  open(): Promise<void>;
  close(): Promise<void>;

  /** Fragment number counter source: the largest number ever stored for the stream, if any. */
  lastFragmentNumber(streamId: string): string | undefined;

  /**
   * Records a producer header and returns its id; an identical header already stored for the
   * stream returns the existing id. Durable before the first fragment using it is.
   */
  putHeader(streamId: string, header: StreamHeader): Promise<number>;
  getHeader(streamId: string, headerId: number): StreamHeader | undefined;

  /**
   * Appends one fragment. `payload` is a list of slices written back to back, without copying
   * them into one buffer first. `durable: false` skips the fsync wait (retention-0 streams).
   */
  appendFragment(
    streamId: string,
    headerId: number,
    fragment: FragmentInput,
    payload: readonly Uint8Array[],
    options?: { durable?: boolean },
  ): Promise<FragmentMeta>;

  /** Metadata of one fragment, or undefined. */
  getFragment(streamId: string, fragmentNumber: string): FragmentMeta | undefined;
  /** The first fragment whose number is strictly greater than `fragmentNumber`. */
  fragmentAfter(streamId: string, fragmentNumber: string): FragmentMeta | undefined;
  earliest(streamId: string): FragmentMeta | undefined;
  latest(streamId: string): FragmentMeta | undefined;
  /**
   * The fragment that contains `timestampMs` in the given clock (start <= t < start + duration),
   * else the first fragment starting after it; ties broken by fragment number.
   */
  findByTimestamp(streamId: string, clock: TimestampClock, timestampMs: number): FragmentMeta | undefined;
  /**
   * Fragments whose start timestamp in `clock` lies in [startMs, endMs] (inclusive), ordered by
   * that timestamp then fragment number, starting strictly after `after` (a fragment number used
   * as a pagination cursor), at most `limit` of them.
   */
  listByTimestamp(
    streamId: string,
    clock: TimestampClock,
    startMs: number,
    endMs: number,
    limit: number,
    after?: TimestampCursor,
  ): FragmentMeta[];

  /** Streams the payload bytes of a stored fragment from storage, with backpressure. */
  openPayload(streamId: string, meta: FragmentMeta): Readable;

  /**
   * Resolves when a fragment with a number greater than `afterFragmentNumber` (or any fragment,
   * if undefined) has been appended to the stream, or when `signal` aborts (then rejects).
   */
  waitForAppend(
    streamId: string,
    afterFragmentNumber: string | undefined,
    signal: AbortSignal,
  ): Promise<void>;

  /** Bytes held for the stream: segment files on disk (file backend) or stored payloads (memory). */
  storedBytes(streamId: string): number;

  /** Deletes fragments whose server timestamp is older than `cutoffMs` (whole segments for files). */
  applyRetention(streamId: string, cutoffMs: number): Promise<void>;
  /** Removes every fragment and header of the stream. */
  dropStream(streamId: string): Promise<void>;
}
