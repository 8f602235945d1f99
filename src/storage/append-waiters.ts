/**
 * In-process "a fragment was appended" notification behind FragmentStore.waitForAppend: one
 * waiter list per stream, woken by the backend after an append becomes visible. No polling.
 * Must not know how fragments are stored; the backend says what is current and when it changed.
 */
import { isAfter } from './checks.js';

interface Waiter {
  after: string | undefined;
  resolve(): void;
}

export class AppendWaiters {
  readonly #byStream = new Map<string, Set<Waiter>>();

  /**
   * Waits until `notify` reports a fragment greater than `after`. `latest` is the stream's current
   * latest fragment number, checked first so a fragment appended before the call is not missed.
   */
  wait(
    streamId: string,
    after: string | undefined,
    latest: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (latest !== undefined && isAfter(latest, after)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let waiters = this.#byStream.get(streamId);
      if (!waiters) this.#byStream.set(streamId, (waiters = new Set()));
      const list = waiters;
      const done = (): void => {
        list.delete(waiter);
        if (list.size === 0 && this.#byStream.get(streamId) === list) this.#byStream.delete(streamId);
        // Long-lived signals (one per GetMedia connection) must not collect a listener per wait.
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(signal.reason);
      };
      const waiter: Waiter = {
        after,
        resolve: () => {
          done();
          resolve();
        },
      };
      list.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wakes every waiter of the stream that was waiting for something before `fragmentNumber`. */
  notify(streamId: string, fragmentNumber: string): void {
    const waiters = this.#byStream.get(streamId);
    if (!waiters) return;
    for (const waiter of [...waiters]) {
      if (isAfter(fragmentNumber, waiter.after)) waiter.resolve();
    }
  }

  /** Number of pending waiters, for leak checks in tests. */
  pending(streamId?: string): number {
    if (streamId !== undefined) return this.#byStream.get(streamId)?.size ?? 0;
    let total = 0;
    for (const set of this.#byStream.values()) total += set.size;
    return total;
  }
}
