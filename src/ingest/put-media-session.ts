/**
 * One PutMedia upload: request body → Matroska push parser → fragments → durable store → ACKs
 * (spec §5). Consumes the body with backpressure (reading pauses while too many fragments are
 * being persisted), applies the fragment and session rules, and reports each fragment as
 * BUFFERING, RECEIVED, PERSISTED or ERROR through `emit`. It knows nothing of HTTP framing.
 */
import type { Readable } from 'node:stream';
import { ackError, type AckErrorCode, type AckEvent, type PutMediaInput } from '../api/index.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import { MkvFormatError } from '../mkv/ebml.js';
import { MkvIngestParser, type MkvEvent } from '../mkv/ingest-parser.js';
import type { FragmentStore, StreamRecord } from '../storage/types.js';
import { FragmentBuilder } from './fragment-builder.js';
import type { IngestRegistry } from './ingest-registry.js';
import type { IngestLimits } from './limits.js';

export interface PutMediaSessionArgs {
  stream: StreamRecord;
  input: PutMediaInput;
  fragments: FragmentStore;
  registry: IngestRegistry;
  clock: Clock;
  limits: IngestLimits;
  logger: Logger;
  /** PutMedia.IncomingBytes, IncomingFragments and the latencies (src/metrics). */
  metrics?: Metrics;
  emit(ack: AckEvent): void;
}

interface SessionHeader {
  headerId: Promise<number>;
  msPerTick: number;
  trackNumbers: Set<number>;
}

export class PutMediaSession {
  readonly #a: PutMediaSessionArgs;
  readonly #parser = new MkvIngestParser();
  readonly #persistsData: boolean;
  #header: SessionHeader | undefined;
  #current: FragmentBuilder | undefined;
  #pendingTags: { name: string; value: string }[] = [];
  #previousLatestFrameTc = -Infinity;
  #persistChain: Promise<void> = Promise.resolve();
  /** Resolves once the previous fragment has been handed to FragmentStore.appendFragment. */
  #appendCalled: Promise<void> = Promise.resolve();
  #inFlight = 0;
  #finished = false;
  #body: Readable | undefined;
  #resolveRun: (() => void) | undefined;
  #lastDataAt = 0;
  #timers: NodeJS.Timeout[] = [];

  constructor(args: PutMediaSessionArgs) {
    this.#a = args;
    // Retention 0 keeps only a volatile buffer and sends no PERSISTED ACKs (spec §2.1).
    this.#persistsData = args.stream.dataRetentionInHours > 0;
  }

  /** Consumes the body until it ends, an ERROR is sent or the session times out. */
  run(body: Readable): Promise<void> {
    this.#body = body;
    this.#lastDataAt = this.#a.clock.now();
    const done = new Promise<void>((resolve) => (this.#resolveRun = resolve));
    body.on('data', (chunk: Buffer) => this.#onData(chunk));
    body.on('end', () => this.#onEnd());
    body.on('error', () => this.#finish(undefined));
    body.on('close', () => {
      // A producer that vanishes mid-fragment: what was RECEIVED is kept, the partial fragment dropped.
      if (!body.readableEnded) this.#finish(undefined);
    });
    const { idleAckIntervalMs, maxConnectionMs } = this.#a.limits;
    this.#timers.push(
      setInterval(() => this.#onIdleTick(), idleAckIntervalMs),
      setTimeout(() => this.#finish(ackError('MAX_CONNECTION_DURATION_REACHED')), maxConnectionMs),
    );
    return done;
  }

  /** Ends the session because its stream was deleted (spec §3.4: ERROR 4008). */
  streamGone(): void {
    this.#finish(ackError('STREAM_NOT_ACTIVE'));
  }

  #emit(ack: AckEvent): void {
    if (this.#finished && ack.EventType !== 'PERSISTED' && ack.EventType !== 'ERROR') return;
    // `x-amzn-fragment-acknowledgment-required: 0` suppresses all but ERROR ACKs (spec §9.8).
    if (!this.#a.input.AcknowledgmentRequired && ack.EventType !== 'ERROR') return;
    this.#a.emit(ack);
  }

  #onIdleTick(): void {
    const idleFor = this.#a.clock.now() - this.#lastDataAt;
    if (idleFor >= this.#a.limits.idleTimeoutMs) {
      // Like the end of the body: a fragment whose bytes are all in is complete (spec §5.3).
      this.#onEnd();
    } else if (idleFor >= this.#a.limits.idleAckIntervalMs) {
      this.#emit({ EventType: 'IDLE' });
    }
  }

  #onData(chunk: Buffer): void {
    if (this.#finished) return;
    this.#lastDataAt = this.#a.clock.now();
    this.#a.metrics?.putMediaBytes(this.#a.stream.streamName, chunk.length);
    this.#process(() => this.#parser.push(chunk));
  }

  #onEnd(): void {
    if (this.#finished) return;
    this.#process(() => this.#parser.end());
    this.#finish(undefined);
  }

  #process(parse: () => MkvEvent[]): void {
    let events: MkvEvent[];
    try {
      events = parse();
    } catch (err) {
      if (!(err instanceof MkvFormatError)) this.#a.logger.error({ err }, 'matroska parser failed');
      // The partial fragment is dropped; the observed KVS form has no fragment fields (spec §5.6).
      this.#current = undefined;
      this.#finish(ackError(err instanceof MkvFormatError ? 'INVALID_MKV_DATA' : 'INTERNAL_ERROR'));
      return;
    }
    for (const event of events) {
      const error = this.#handle(event);
      if (error) {
        this.#finish(error);
        return;
      }
    }
  }

  #fragmentError(code: AckErrorCode): AckEvent {
    const current = this.#current;
    this.#current = undefined;
    return current
      ? ackError(code, { timecode: current.clusterTimecode, fragmentNumber: current.fragmentNumber })
      : ackError(code);
  }

  #handle(event: MkvEvent): AckEvent | undefined {
    switch (event.type) {
      case 'header': {
        // One Segment per request (spec §5.2); a second EBML header is invalid MKV (spec §9.10).
        if (this.#header) return ackError('INVALID_MKV_DATA');
        if (event.tracks.length > this.#a.limits.maxTracks) return ackError('MORE_THAN_ALLOWED_TRACKS_FOUND');
        this.#header = {
          headerId: this.#a.fragments.putHeader(this.#a.stream.streamId, {
            ebmlHeader: event.ebmlHeader,
            segmentHeader: event.segmentHeader,
          }),
          msPerTick: event.timecodeScaleNs / 1e6,
          trackNumbers: new Set(event.tracks.map((t) => t.number)),
        };
        // Surface a failing header write through the fragment that needs it, not as an unhandled rejection.
        this.#header.headerId.catch(() => undefined);
        return undefined;
      }
      case 'clusterStart':
        return this.#startFragment(event.timecode);
      case 'bytes':
        return this.#current?.addBytes(event.data)
          ? this.#fragmentError('MAX_FRAGMENT_SIZE_REACHED')
          : undefined;
      case 'block': {
        if (!this.#current) return ackError('INVALID_MKV_DATA');
        if (!this.#header?.trackNumbers.has(event.track)) return this.#fragmentError('TRACK_NUMBER_MISMATCH');
        const error = this.#current.addBlock(event.relativeTimecode, event.keyframe, event.durationTc);
        return error ? this.#fragmentError(error) : undefined;
      }
      case 'tags': {
        const target = this.#current;
        if (!target) {
          this.#pendingTags.push(...event.simpleTags);
          return undefined;
        }
        const error = target.addTags(event.simpleTags);
        return error ? this.#fragmentError(error) : undefined;
      }
      case 'clusterEnd':
        return this.#completeFragment();
      case 'truncated':
        this.#current = undefined;
        return undefined;
      case 'segmentEnd':
        return undefined;
    }
  }

  #startFragment(timecode: number): AckEvent | undefined {
    const header = this.#header;
    if (!header) return ackError('INVALID_MKV_DATA');
    const { fragmentNumber, serverTimestampMs } = this.#a.registry.allocate(this.#a.stream.streamId);
    const tickMs = timecode * header.msPerTick;
    const producerTimestampMs =
      this.#a.input.FragmentTimecodeType === 'ABSOLUTE'
        ? tickMs
        : (this.#a.input.ProducerStartTimestampMs ?? 0) + tickMs;
    this.#current = new FragmentBuilder({
      fragmentNumber,
      clusterTimecode: timecode,
      serverTimestampMs,
      producerTimestampMs,
      msPerTick: header.msPerTick,
      limits: this.#a.limits,
    });
    this.#emit({ EventType: 'BUFFERING', FragmentTimecode: timecode, FragmentNumber: fragmentNumber });
    const pending = this.#pendingTags;
    this.#pendingTags = [];
    return this.#current.addTags(pending)
      ? this.#fragmentError('FRAGMENT_METADATA_LIMIT_REACHED')
      : undefined;
  }

  #completeFragment(): AckEvent | undefined {
    const fragment = this.#current;
    const header = this.#header;
    this.#current = undefined;
    if (!fragment || !header) return undefined;
    if (fragment.hasFrames && fragment.earliestFrameTc < this.#previousLatestFrameTc) {
      this.#current = fragment;
      return this.#fragmentError('FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS');
    }
    if (fragment.hasFrames) this.#previousLatestFrameTc = fragment.latestFrameTc;
    const ids = { FragmentTimecode: fragment.clusterTimecode, FragmentNumber: fragment.fragmentNumber };
    this.#emit({ EventType: 'RECEIVED', ...ids });
    this.#a.metrics?.putMediaFragmentReceived(
      this.#a.stream.streamName,
      this.#a.clock.now() - fragment.serverTimestampMs,
    );
    this.#persist(fragment, header, ids);
    return undefined;
  }

  #persist(
    fragment: FragmentBuilder,
    header: SessionHeader,
    ids: { FragmentTimecode: number; FragmentNumber: string },
  ): void {
    this.#inFlight += 1;
    if (this.#inFlight >= this.#a.limits.maxFragmentsInFlight) this.#body?.pause();
    const { fragments, stream } = this.#a;
    const durable = this.#persistsData;
    const receivedAt = this.#a.clock.now();
    // The append is handed to the store as soon as the previous fragment's was (the store keeps
    // call order), not after it completed: fragments in flight then share group-committed syncs
    // instead of paying one fdatasync + index commit each in turn. ACKs stay in order below.
    const previousCalled = this.#appendCalled;
    let called!: () => void;
    this.#appendCalled = new Promise<void>((resolve) => (called = resolve));
    const appended = (async () => {
      try {
        await previousCalled;
        const headerId = await header.headerId;
        return fragments.appendFragment(stream.streamId, headerId, fragment.toInput(), fragment.slices, {
          durable,
        });
      } finally {
        called();
      }
    })();
    appended.catch(() => undefined); // observed in order by the chain below
    this.#persistChain = this.#persistChain.then(async () => {
      try {
        await appended;
        if (durable) this.#emit({ EventType: 'PERSISTED', ...ids });
        this.#a.metrics?.putMediaFragmentPersisted(stream.streamName, this.#a.clock.now() - receivedAt);
      } catch (err) {
        // A session already ending (e.g. its stream was deleted) reports that cause instead.
        if (this.#finished) return;
        this.#a.logger.error({ err, stream: stream.streamName }, 'persisting a fragment failed');
        this.#a.emit({ EventType: 'ERROR', ...ids, ErrorId: 5001, ErrorCode: 'ARCHIVAL_ERROR' });
        this.#finish(undefined);
      } finally {
        this.#inFlight -= 1;
        if (!this.#finished && this.#inFlight < this.#a.limits.maxFragmentsInFlight) this.#body?.resume();
      }
    });
  }

  /**
   * Ends the session once. Fragments already RECEIVED get their PERSISTED ACK before the ERROR,
   * so a producer that rolls back to its last acknowledged fragment does not resend them.
   */
  #finish(error: AckEvent | undefined): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#body?.pause();
    void this.#persistChain.then(() => {
      if (error) this.#a.emit(error);
      this.#resolveRun?.();
    });
  }
}
