/**
 * A growable big-endian byte writer for ISO BMFF boxes (ISO/IEC 14496-12 §4.2): open a box, write its
 * fields, close it and the size is patched in.
 *
 * Hand-written rather than a library: mediabunny (the maintained TypeScript muxer) writes whole files
 * from an encoder-style packet pipeline and decides fragmentation, sequence numbers and decode times
 * itself, while HLS/DASH need one independently cached moof/mdat per KVS fragment with an absolute
 * tfdt and a given sequence number. Box writing is a few dozen lines; see bench/packaging.ts for speed.
 */
export class BoxWriter {
  #buf: Uint8Array;
  #view: DataView;
  pos = 0;

  constructor(capacity = 4096) {
    // Not zero-filled: every byte up to `pos` is written before finish() hands it out, and a media
    // segment's buffer is mostly sample data copied in right after (bench/packaging.ts).
    this.#buf = Buffer.allocUnsafeSlow(capacity);
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
  }

  #ensure(n: number): void {
    if (this.pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    next.set(this.#buf.subarray(0, this.pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  u8(v: number): this {
    this.#ensure(1);
    this.#buf[this.pos++] = v;
    return this;
  }
  u16(v: number): this {
    this.#ensure(2);
    this.#view.setUint16(this.pos, v);
    this.pos += 2;
    return this;
  }
  u24(v: number): this {
    this.u8((v >>> 16) & 0xff);
    return this.u16(v & 0xffff);
  }
  u32(v: number): this {
    this.#ensure(4);
    this.#view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
    return this;
  }
  i32(v: number): this {
    this.#ensure(4);
    this.#view.setInt32(this.pos, v);
    this.pos += 4;
    return this;
  }
  /** Unsigned 64-bit from a safe integer. */
  u64(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`u64 out of range: ${v}`);
    this.u32(Math.floor(v / 2 ** 32));
    return this.u32(v % 2 ** 32);
  }
  zeros(n: number): this {
    this.#ensure(n);
    this.#buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.#ensure(b.length);
    this.#buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  fourcc(s: string): this {
    this.#ensure(4);
    for (let i = 0; i < 4; i++) this.#buf[this.pos++] = s.charCodeAt(i);
    return this;
  }

  /** Starts a box; returns its start offset for close(). */
  open(type: string): number {
    const start = this.pos;
    this.u32(0).fourcc(type);
    return start;
  }
  openFull(type: string, version: number, flags: number): number {
    const start = this.open(type);
    this.u8(version).u24(flags);
    return start;
  }
  /** A whole full box whose body is just the given u32 fields (e.g. an empty sample table). */
  fullBox(type: string, version: number, flags: number, ...fields: number[]): this {
    const start = this.openFull(type, version, flags);
    for (const f of fields) this.u32(f);
    return this.close(start);
  }
  close(start: number): this {
    this.#view.setUint32(start, this.pos - start);
    return this;
  }
  /** Overwrites a u32 written earlier (e.g. trun data_offset). */
  patchU32(at: number, v: number): void {
    this.#view.setUint32(at, v >>> 0);
  }

  /** The bytes written so far (a view). */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.pos);
  }
}
