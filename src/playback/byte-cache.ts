/**
 * A least-recently-used cache bounded by the bytes it holds. Packaged fragments are immutable
 * once their source fragment is PERSISTED (design.md Part 2 "Cache per fragment"), so entries
 * never need invalidation, only eviction.
 */
export class ByteCache<V extends { byteLength: number }> {
  readonly #budget: number;
  readonly #entries = new Map<string, V>();
  #bytes = 0;

  constructor(budgetBytes: number) {
    this.#budget = budgetBytes;
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (value.byteLength > this.#budget) return;
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#bytes -= old.byteLength;
      this.#entries.delete(key);
    }
    this.#entries.set(key, value);
    this.#bytes += value.byteLength;
    for (const [k, v] of this.#entries) {
      if (this.#bytes <= this.#budget) break;
      this.#entries.delete(k);
      this.#bytes -= v.byteLength;
    }
  }

  get bytes(): number {
    return this.#bytes;
  }
}
