/**
 * Per-stream ingest state shared by all PutMedia sessions of a server: fragment-number and
 * server-timestamp allocation (strictly increasing per stream, unique across restarts), the
 * PutMedia call-rate and connection limits, and the open sessions to stop when a stream is deleted.
 */
import type { Clock } from '../core/clock.js';
import { clientLimitExceeded, connectionLimitExceeded } from '../core/errors.js';
import { formatFragmentNumber, nextFragmentCounter, parseFragmentNumber } from '../core/fragment-number.js';
import { CallRateLimiter, ConnectionCounter } from '../core/rate-limit.js';
import type { FragmentStore } from '../storage/types.js';

interface StreamIngestState {
  lastCounter: bigint | undefined;
  lastServerTimestampMs: number;
  sessions: Set<() => void>;
}

export class IngestRegistry {
  readonly #fragments: FragmentStore;
  readonly #clock: Clock;
  readonly #rate: CallRateLimiter;
  readonly #connections: ConnectionCounter;
  readonly #streams = new Map<string, StreamIngestState>();

  constructor(
    fragments: FragmentStore,
    clock: Clock,
    limits: { putMediaCallsPerSecond: number; putMediaConnectionsPerStream: number },
  ) {
    this.#fragments = fragments;
    this.#clock = clock;
    this.#rate = new CallRateLimiter(limits.putMediaCallsPerSecond, clock);
    this.#connections = new ConnectionCounter(limits.putMediaConnectionsPerStream);
  }

  #state(streamId: string): StreamIngestState {
    let state = this.#streams.get(streamId);
    if (!state) {
      const last = this.#fragments.lastFragmentNumber(streamId);
      const latest = this.#fragments.latest(streamId);
      state = {
        lastCounter: last === undefined ? undefined : parseFragmentNumber(last),
        lastServerTimestampMs: latest?.serverTimestampMs ?? 0,
        sessions: new Set(),
      };
      this.#streams.set(streamId, state);
    }
    return state;
  }

  /**
   * Admits a new PutMedia connection or throws the KVS limit exception. `onStreamGone` is called
   * if the stream is deleted while the session is open. Returns the release function.
   */
  admit(streamId: string, onStreamGone: () => void): () => void {
    if (!this.#rate.tryAcquire(streamId)) {
      throw clientLimitExceeded('Too many PutMedia calls per second for this stream.');
    }
    const release = this.#connections.tryOpen(streamId);
    if (!release) throw connectionLimitExceeded('Too many concurrent PutMedia connections for this stream.');
    const state = this.#state(streamId);
    state.sessions.add(onStreamGone);
    return () => {
      state.sessions.delete(onStreamGone);
      release();
    };
  }

  /** Assigns the fragment number and server timestamp of a fragment that starts arriving now. */
  allocate(streamId: string): { fragmentNumber: string; serverTimestampMs: number } {
    const state = this.#state(streamId);
    const now = Math.floor(this.#clock.now());
    const serverTimestampMs = now > state.lastServerTimestampMs ? now : state.lastServerTimestampMs + 1;
    state.lastServerTimestampMs = serverTimestampMs;
    state.lastCounter = nextFragmentCounter(state.lastCounter, serverTimestampMs);
    return { fragmentNumber: formatFragmentNumber(state.lastCounter), serverTimestampMs };
  }

  streamRemoved(streamId: string): void {
    const state = this.#streams.get(streamId);
    this.#streams.delete(streamId);
    for (const stop of state?.sessions ?? []) stop();
  }
}
