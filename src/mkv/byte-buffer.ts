/**
 * A growable byte buffer for the few places the MKV parsers must copy: the Segment header elements,
 * a buffered level-1 element (Info, Tracks, Tags) and the Cluster bytes that precede its Timecode.
 *
 * Owns: amortised appends. Must not know: EBML. Capacity grows with the data actually received, so a
 * hostile size field cannot make the parser allocate memory up front.
 */
export class ByteBuffer {
  #buf: Uint8Array;
  #len = 0;
  readonly #initial: number;

  constructor(initialCapacity = 256) {
    this.#initial = Math.max(16, initialCapacity);
    this.#buf = new Uint8Array(this.#initial);
  }

  get length(): number {
    return this.#len;
  }

  /** Bytes allocated (what the buffer costs in memory). */
  get capacity(): number {
    return this.#buf.length;
  }

  append(bytes: Uint8Array): void {
    const need = this.#len + bytes.length;
    if (need > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(bytes, this.#len);
    this.#len = need;
  }

  /** A view of the content; valid until the next append or clear. */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  /** An independent copy of the content, safe to hand out in events. */
  copy(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  /** Empties the buffer; a buffer grown far beyond its initial size gives that memory back. */
  clear(): void {
    this.#len = 0;
    if (this.#buf.length > Math.max(64 * 1024, this.#initial)) this.#buf = new Uint8Array(this.#initial);
  }
}
