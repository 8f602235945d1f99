/**
 * Group commit for one file: callers that ask for a sync while one is running share the next
 * one, so N concurrent appends cost about two fdatasync calls instead of N. A caller is never
 * satisfied by a sync that started before it asked (its write might not be covered).
 * Must not know what the file holds.
 */
const ignore = (): void => undefined;

export class FsyncBatcher {
  readonly #sync: () => Promise<void>;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  #count = 0;

  constructor(sync: () => Promise<void>) {
    this.#sync = sync;
  }

  /** Number of syncs actually issued (tests and benchmarks check the batching). */
  get syncCount(): number {
    return this.#count;
  }

  /** Resolves once a sync that started after this call has completed. */
  request(): Promise<void> {
    if (this.#queued) return this.#queued;
    const running = this.#running;
    if (!running) return this.#start();
    const queued = running.then(ignore, ignore).then(() => {
      this.#queued = undefined;
      return this.#start();
    });
    this.#queued = queued;
    return queued;
  }

  #start(): Promise<void> {
    this.#count++;
    const run = this.#sync().finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }
}
