/**
 * Per-stream ingest state shared by all PutMedia sessions of a server: fragment-number and
 * server-timestamp allocation (strictly increasing per stream, unique across restarts), the
 * PutMedia call-rate and connection limits, and the open sessions to stop when a stream is deleted
 * or the server shuts down (drain: each session is told to end, and shutdown() waits for them).
 */
import type { Clock } from '../core/clock.js';
import { clientLimitExceeded, connectionLimitExceeded, KvsError } from '../core/errors.js';
import { formatFragmentNumber, nextFragmentCounter, parseFragmentNumber } from '../core/fragment-number.js';
import { CallRateLimiter, ConnectionCounter } from '../core/rate-limit.js';
import type { FragmentStore } from '../storage/types.js';

interface StreamIngestState {
  lastCounter: bigint | undefined;
  lastServerTimestampMs: number;
  sessions: Set<() => void>;
}

/** What the registry may ask of an open PutMedia session. */
export interface SessionHooks {
  /** The stream was deleted (ERROR 4008). */
  streamGone(): void;
  /** The server shuts down: finish what was received, then end the response. */
  shutdown(): void;
}

export class IngestRegistry {
  readonly #fragments: FragmentStore;
  readonly #clock: Clock;
  readonly #rate: CallRateLimiter;
  readonly #connections: ConnectionCounter;
  readonly #streams = new Map<string, StreamIngestState>();
  /** Open sessions, each with the hook that ends it when the server shuts down. */
  readonly #open = new Map<object, () => void>();
  #closed: (() => void) | undefined;
  #shuttingDown = false;

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
   * Admits a new PutMedia connection or throws the KVS limit exception. The hooks are called if
   * the stream is deleted or the server shuts down while the session is open. Returns the release
   * function, to be called once the session's response has ended.
   */
  admit(streamId: string, hooks: SessionHooks): () => void {
    if (this.#shuttingDown) {
      throw new KvsError('ServiceUnavailableException', 'The server is shutting down.', 503);
    }
    if (!this.#rate.tryAcquire(streamId)) {
      throw clientLimitExceeded('Too many PutMedia calls per second for this stream.');
    }
    const release = this.#connections.tryOpen(streamId);
    if (!release) throw connectionLimitExceeded('Too many concurrent PutMedia connections for this stream.');
    const state = this.#state(streamId);
    const onStreamGone = (): void => hooks.streamGone();
    const token = {};
    state.sessions.add(onStreamGone);
    this.#open.set(token, () => hooks.shutdown());
    let released = false;
    return () => {
      if (released) return;
      released = true;
      state.sessions.delete(onStreamGone);
      this.#open.delete(token);
      release();
      if (this.#open.size === 0) this.#closed?.();
    };
  }

  /**
   * Drains ingest for a server shutdown: refuses new sessions, tells each open one to end, and
   * resolves once all have released (their responses ended) or after `timeoutMs`.
   * Resolves with the number of sessions still open at the deadline.
   */
  async shutdown(timeoutMs: number): Promise<number> {
    this.#shuttingDown = true;
    if (this.#open.size === 0) return 0;
    const allClosed = new Promise<void>((resolve) => (this.#closed = resolve));
    for (const stop of [...this.#open.values()]) stop();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([allClosed, deadline]);
    clearTimeout(timer);
    return this.#open.size;
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
