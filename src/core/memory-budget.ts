/**
 * A server-wide budget for bytes held in memory on behalf of clients (PutMedia: partial fragments,
 * fragments waiting to be persisted, buffered Matroska elements). Each holder gets an account and
 * reports how much it holds now; an increase that would take the total over the budget is refused,
 * and the holder must then drop what it holds (src/ingest answers with an ERROR ACK). This turns
 * "many hostile uploads exhaust the host" into "the uploads over the budget fail" (issue #11).
 *
 * Pure bookkeeping: it neither allocates nor frees memory, and knows nothing of HTTP or MKV.
 */
export class MemoryBudget {
  readonly limit: number;
  #used = 0;

  /** `limit` bytes in total; 0 or Infinity = unlimited. */
  constructor(limit: number) {
    this.limit = limit > 0 ? limit : Infinity;
  }

  get used(): number {
    return this.#used;
  }

  account(): BudgetAccount {
    return new BudgetAccount(this, (delta) => {
      if (delta > 0 && this.#used + delta > this.limit) return false;
      this.#used += delta;
      return true;
    });
  }
}

export class BudgetAccount {
  readonly budget: MemoryBudget;
  readonly #apply: (delta: number) => boolean;
  #held = 0;
  #closed = false;

  constructor(budget: MemoryBudget, apply: (delta: number) => boolean) {
    this.budget = budget;
    this.#apply = apply;
  }

  get held(): number {
    return this.#held;
  }

  /**
   * Records that the holder now holds `bytes`. Returns false (and records nothing) when the
   * increase does not fit in the budget; decreases always succeed.
   */
  set(bytes: number): boolean {
    if (this.#closed) return bytes <= 0;
    const delta = bytes - this.#held;
    if (delta === 0) return true;
    if (!this.#apply(delta)) return false;
    this.#held = bytes;
    return true;
  }

  /** Gives everything back; later calls to set() only accept 0. */
  close(): void {
    if (this.#closed) return;
    this.#apply(-this.#held);
    this.#held = 0;
    this.#closed = true;
  }
}
