/**
 * Push reader for GetMedia / GetMediaForFragmentList response bodies, used by the CLI (--follow,
 * --tags) and by tests: splits the body into chunks (one EBML document each, spec §6.3) and reports the
 * AWS_KINESISVIDEO_* tags of each chunk.
 *
 * Owns: chunk boundaries (a chunk starts at an EBML header; the next one, or the end of the body, ends
 * it — as the AWS Python consumer library does, spec §6.3) and tag collection. Must not know: HTTP,
 * ingest, storage. Streaming: it holds only a pending element header and one Tags element at a time;
 * Cluster payloads are counted and skipped, never copied.
 */
import { ByteBuffer } from './byte-buffer.js';
import { MkvFormatError, StreamingHeaderReader } from './ebml.js';
import { CLUSTER_CHILD_IDS, EbmlId } from './ids.js';
import { isReservedTagName, parseTagsPayload } from './tags.js';

export interface KvsChunkEvent {
  type: 'chunk';
  /** Every AWS_KINESISVIDEO_* SimpleTag of the chunk (start and end groups); a later value wins. */
  tags: Record<string, string>;
  /** Bytes from the chunk's EBML header up to the next EBML header or the end of the body. */
  byteLength: number;
  /** false when the body ended inside an element (or inside a known-size Segment) of this chunk. */
  complete: boolean;
}

export interface KvsChunkReaderOptions {
  /** Largest Tags element accepted; default 1 MiB (KVS tags are a few hundred bytes). */
  maxTagsSize?: number;
}

interface Frame {
  id: number;
  end: number | undefined;
  knownSize: boolean;
}

export class KvsChunkReader {
  readonly #maxTagsSize: number;
  readonly #hr = new StreamingHeaderReader();
  readonly #tagsBuf = new ByteBuffer(1024);
  #stack: Frame[] = [];
  #base = 0;
  #dead = false;
  #chunkStart: number | undefined;
  #tags: Record<string, string> = {};
  #inPayload = false;
  #buffering = false;
  #remaining = 0;
  #events: KvsChunkEvent[] = [];

  constructor(options: KvsChunkReaderOptions = {}) {
    this.#maxTagsSize = options.maxTagsSize ?? 1024 * 1024;
  }

  push(chunk: Uint8Array): KvsChunkEvent[] {
    if (this.#dead) throw new MkvFormatError('reader already failed or ended');
    try {
      this.#events = [];
      this.#run(chunk);
      return this.#events;
    } catch (err) {
      this.#dead = true;
      throw err;
    }
  }

  end(): KvsChunkEvent[] {
    if (this.#dead) throw new MkvFormatError('reader already failed or ended');
    this.#dead = true;
    if (this.#chunkStart === undefined) return [];
    const midElement = this.#inPayload || this.#hr.held > 0;
    const complete = !midElement && this.#stack.every((f) => !f.knownSize);
    return [this.#chunkEvent(this.#base, complete)];
  }

  #run(chunk: Uint8Array): void {
    const n = chunk.length;
    let off = 0;
    while (off < n) {
      if (this.#inPayload) {
        const k = Math.min(this.#remaining, n - off);
        if (this.#buffering) this.#tagsBuf.append(chunk.subarray(off, off + k));
        off += k;
        this.#remaining -= k;
        if (this.#remaining === 0) this.#finishElement(off);
        continue;
      }
      off += this.#hr.read(chunk, off);
      if (this.#hr.header.length === 0) break;
      this.#onHeader(off);
    }
    this.#base += n;
  }

  #onHeader(off: number): void {
    const { id, size, length } = this.#hr.header;
    const pos = this.#base + off;
    // Unknown-size Segments/Clusters end at the first element that cannot be their child (spec §6.3).
    for (let top = this.#top(); top !== undefined && !top.knownSize; top = this.#top()) {
      if ((top.id === EbmlId.Cluster && !CLUSTER_CHILD_IDS.has(id)) || id === EbmlId.EBML) this.#stack.pop();
      else break;
    }
    const parent = this.#top();
    if (parent?.end !== undefined && pos + (size ?? 0) > parent.end) {
      throw new MkvFormatError('element larger than its parent', pos - length);
    }
    const unknownAllowed =
      (id === EbmlId.Segment && parent === undefined) ||
      (id === EbmlId.Cluster && parent?.id === EbmlId.Segment);
    if (size === undefined && !unknownAllowed) {
      throw new MkvFormatError(`unknown-size element 0x${id.toString(16)} not allowed`, pos - length);
    }
    if (parent === undefined) {
      if (id === EbmlId.EBML) {
        if (this.#chunkStart !== undefined) this.#events.push(this.#chunkEvent(pos - length, true));
        this.#chunkStart = pos - length;
        this.#tags = {};
      } else if (this.#chunkStart === undefined) {
        throw new MkvFormatError('response does not start with an EBML header', pos - length);
      }
    } else if (id === EbmlId.EBML) {
      throw new MkvFormatError('EBML header inside a known-size Segment', pos - length);
    }
    const isContainer =
      (id === EbmlId.Segment && parent === undefined) || (id === EbmlId.Cluster && size === undefined);
    if (isContainer) {
      this.#stack.push({
        id,
        end: size === undefined ? parent?.end : pos + size,
        knownSize: size !== undefined,
      });
      this.#closeFinished(pos);
      return;
    }
    this.#buffering = id === EbmlId.Tags && parent?.id === EbmlId.Segment;
    if (this.#buffering && size! > this.#maxTagsSize) {
      throw new MkvFormatError(`Tags element of ${size} bytes exceeds the limit`, pos - length);
    }
    this.#tagsBuf.clear();
    this.#inPayload = true;
    this.#remaining = size!;
    if (size === 0) this.#finishElement(off);
  }

  #finishElement(off: number): void {
    this.#inPayload = false;
    if (this.#buffering) {
      const buf = this.#tagsBuf.view();
      for (const t of parseTagsPayload(buf, 0, buf.length)) {
        if (isReservedTagName(t.name)) this.#tags[t.name] = t.value;
      }
      this.#buffering = false;
    }
    this.#closeFinished(this.#base + off);
  }

  #closeFinished(pos: number): void {
    for (let top = this.#top(); top?.end !== undefined && pos >= top.end; top = this.#top())
      this.#stack.pop();
  }

  #top(): Frame | undefined {
    return this.#stack[this.#stack.length - 1];
  }

  #chunkEvent(endPos: number, complete: boolean): KvsChunkEvent {
    return { type: 'chunk', tags: this.#tags, byteLength: endPos - this.#chunkStart!, complete };
  }
}
