/**
 * Per-key call-rate and concurrency limits (KVS quotas such as "5 GetMedia calls per second per
 * stream" and "1 PutMedia connection per stream", spec §10). Pure bookkeeping over an injected clock.
 */
import type { Clock } from './clock.js';

/** Sliding one-second window of call times per key. */
export class CallRateLimiter {
  readonly #perSecond: number;
  readonly #clock: Clock;
  readonly #calls = new Map<string, number[]>();

  constructor(perSecond: number, clock: Clock) {
    this.#perSecond = perSecond;
    this.#clock = clock;
  }

  /** Records a call and returns true, or returns false if it would exceed the rate. */
  tryAcquire(key: string): boolean {
    if (this.#perSecond <= 0) return true;
    const now = this.#clock.now();
    const recent = (this.#calls.get(key) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= this.#perSecond) {
      this.#calls.set(key, recent);
      return false;
    }
    recent.push(now);
    this.#calls.set(key, recent);
    return true;
  }
}

/** Counts open connections per key. */
export class ConnectionCounter {
  readonly #max: number;
  readonly #open = new Map<string, number>();

  constructor(max: number) {
    this.#max = max;
  }

  /** Returns a release function, or undefined if the key is at its limit. */
  tryOpen(key: string): (() => void) | undefined {
    const n = this.#open.get(key) ?? 0;
    if (this.#max > 0 && n >= this.#max) return undefined;
    this.#open.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(key) ?? 1) - 1;
      if (left <= 0) this.#open.delete(key);
      else this.#open.set(key, left);
    };
  }

  count(key: string): number {
    return this.#open.get(key) ?? 0;
  }
}
