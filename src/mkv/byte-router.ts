/**
 * Routes the input bytes the PutMedia parser has consumed to where they belong, without copying
 * cluster payload: handed out as zero-copy `bytes` events (PASS), held back until a Cluster's Timecode
 * is known (PREFIX), collected into a buffered element (ELEM), or dropped (DROP).
 *
 * Owns: the "mark" bookkeeping over the current chunk. Must not know: EBML structure; the parser
 * decides the sink and the cut points (always element boundaries).
 */
import { ByteBuffer } from './byte-buffer.js';
import { MkvFormatError } from './ebml.js';
import type { MkvEvent } from './mkv-events.js';

export const DROP = 0;
export const PASS = 1;
export const PREFIX = 2;
export const ELEM = 3;

export class ByteRouter {
  events: MkvEvent[] = [];
  sink = DROP;
  /** Bytes of the current Cluster before its Timecode (spec §6.3 item 5: the fragment starts at its ID). */
  readonly prefix = new ByteBuffer(64);
  /** The element being buffered. */
  readonly elem = new ByteBuffer(4096);
  readonly #maxPrefix: number;
  #chunk: Uint8Array = new Uint8Array(0);
  /** #chunk offset from which consumed bytes have not yet been routed to the sink. */
  #mark = 0;

  constructor(maxPrefix: number) {
    this.#maxPrefix = maxPrefix;
  }

  /** Starts a new input chunk; returns the (fresh) event list for it. */
  begin(chunk: Uint8Array): MkvEvent[] {
    this.#chunk = chunk;
    this.#mark = 0;
    return (this.events = []);
  }

  /** Emits `event` after the bytes before chunk offset `at`. */
  emit(event: MkvEvent, at: number): void {
    this.flushTo(at);
    this.events.push(event);
  }

  /** Bytes from chunk offset `at` on go to `sink`. */
  setSink(sink: number, at: number): void {
    if (sink === this.sink) return;
    this.flushTo(at);
    this.sink = sink;
  }

  /** Routes #chunk[#mark..upto) to the current sink. */
  flushTo(upto: number): void {
    if (upto <= this.#mark) return;
    this.route(this.#chunk.subarray(this.#mark, upto), true);
    this.#mark = upto;
  }

  /** Routes `bytes` to the sink; `zeroCopy` = they are a view of the current chunk, safe to hand out. */
  route(bytes: Uint8Array, zeroCopy: boolean): void {
    switch (this.sink) {
      case PASS:
        this.events.push({ type: 'bytes', data: zeroCopy ? bytes : bytes.slice() });
        break;
      case PREFIX:
        if (this.prefix.length + bytes.length > this.#maxPrefix) {
          throw new MkvFormatError('too many bytes before the Cluster Timecode');
        }
        this.prefix.append(bytes);
        break;
      case ELEM:
        this.elem.append(bytes);
        break;
    }
  }
}
