/**
 * Splits a GetMedia body into whole KVS chunks (spec §6.3) so that `--follow`, `--max-fragments`
 * and `--until` only ever write complete chunks: the chunk being received is held in memory and
 * released once it is known to be complete. KvsChunkReader (src/mkv) only reports a chunk when
 * the next one starts or the body ends, which at the live edge would hold every fragment back
 * until the next one arrives; so once the end Tags' AWS_KINESISVIDEO_CONTINUATION_TOKEN has been
 * seen, a throw-away reader re-reads the held bytes and, if they end exactly after complete end
 * Tags, the chunk is released at once. A body that ends or breaks mid-chunk loses only that
 * partial chunk (discard()), which the next session, resuming after the last released chunk's
 * continuation token, delivers again in full: nothing is written twice or skipped.
 */
import { KvsChunkReader } from '../../mkv/chunk-reader.js';

export const TOKEN_TAG = 'AWS_KINESISVIDEO_CONTINUATION_TOKEN';
const TOKEN_BYTES = Buffer.from(TOKEN_TAG);

export interface AlignedChunk {
  bytes: Buffer;
  tags: Record<string, string>;
  /** Bytes that followed the end Tags of a chunk already released (not a new chunk). */
  trailing?: boolean;
}

/** Whether a chunk is releasable: complete, and a data chunk (token) or an error chunk. */
function releasable(tags: Record<string, string>): boolean {
  return tags[TOKEN_TAG] !== undefined || tags.AWS_KINESISVIDEO_ERROR_ID !== undefined;
}

export class ChunkAligner {
  #reader = new KvsChunkReader();
  #held: Buffer[] = [];
  #heldLength = 0;
  /** Bytes of the current chunk already released early (by the probe). */
  #released = 0;
  #sawToken = false;

  /** Feeds body bytes; returns the chunks that became complete, in order. */
  push(data: Buffer): AlignedChunk[] {
    const out: AlignedChunk[] = [];
    const tail = this.#heldTail(TOKEN_BYTES.length - 1);
    this.#held.push(data);
    this.#heldLength += data.length;
    for (const ev of this.#reader.push(data)) {
      // A chunk reported here is followed by the next chunk's EBML header: it is complete.
      const bytes = this.#take(ev.byteLength - this.#released);
      if (this.#released === 0) out.push({ bytes, tags: ev.tags });
      else if (bytes.length > 0) out.push({ bytes, tags: {}, trailing: true });
      this.#released = 0;
      this.#sawToken = false;
    }
    if (!this.#sawToken) this.#sawToken = Buffer.concat([tail, data]).includes(TOKEN_BYTES);
    if (this.#sawToken && this.#released === 0 && this.#heldLength > 0) {
      const early = this.#probe();
      if (early) out.push(early);
    }
    return out;
  }

  /** The body ended cleanly: the last chunk if it is complete. */
  end(): AlignedChunk[] {
    const events = this.#reader.end();
    const out: AlignedChunk[] = [];
    for (const ev of events) {
      const bytes = this.#take(ev.byteLength - this.#released);
      if (this.#released === 0 && ev.complete && releasable(ev.tags)) out.push({ bytes, tags: ev.tags });
    }
    this.#reset();
    return out;
  }

  /** The body broke off: drop the partial chunk and start over for the next session. */
  discard(): void {
    this.#reset();
  }

  #reset(): void {
    this.#reader = new KvsChunkReader();
    this.#held = [];
    this.#heldLength = 0;
    this.#released = 0;
    this.#sawToken = false;
  }

  #probe(): AlignedChunk | undefined {
    const bytes = Buffer.concat(this.#held);
    let ev;
    try {
      const probe = new KvsChunkReader();
      probe.push(bytes);
      ev = probe.end()[0];
    } catch {
      return undefined;
    }
    if (!ev || !ev.complete || ev.byteLength !== bytes.length || ev.tags[TOKEN_TAG] === undefined)
      return undefined;
    this.#held = [];
    this.#heldLength = 0;
    this.#released = bytes.length;
    return { bytes, tags: ev.tags };
  }

  #take(n: number): Buffer {
    const all = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held);
    const taken = all.subarray(0, Math.max(0, n));
    const rest = all.subarray(Math.max(0, n));
    this.#held = rest.length > 0 ? [rest] : [];
    this.#heldLength = rest.length;
    return taken;
  }

  #heldTail(n: number): Buffer {
    const last = this.#held[this.#held.length - 1];
    return last ? last.subarray(Math.max(0, last.length - n)) : Buffer.alloc(0);
  }
}
