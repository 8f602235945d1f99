/**
 * Single-flight reads: callers asking for the same bytes while a read of them is in flight (the
 * live GetMedia readers one append wakes up together) share that one open/read/close, its
 * checks and its one Buffer, instead of each reader opening the segment and allocating its own
 * read buffers. Nothing is cached: the entry is dropped when the read settles, so a later call
 * reads the file again and sees a deleted, damaged or unreadable segment exactly as a fresh read
 * would. bench/live-fanout.ts showed open/read/close per reader and fragment as the top server
 * cost. Must not know what the bytes mean.
 */
import { Readable } from 'node:stream';

/** Payloads up to this size are read in one piece; larger ones are streamed. */
export const SHARED_READ_MAX_BYTES = 256 * 1024;

export class SharedReads {
  readonly #inFlight = new Map<string, Promise<Buffer>>();

  /** The result of `load` for `key`, shared with every caller while one is in flight. */
  read(key: string, load: () => Promise<Buffer>): Promise<Buffer> {
    const running = this.#inFlight.get(key);
    if (running) return running;
    const started = load();
    const forget = (): void => {
      if (this.#inFlight.get(key) === started) this.#inFlight.delete(key);
    };
    started.then(forget, forget);
    this.#inFlight.set(key, started);
    return started;
  }
}

/** A Readable of the bytes `bytes` resolves with, read only when the consumer asks. */
export function bufferReadable(bytes: Promise<Buffer>): Readable {
  bytes.catch(() => undefined); // reported through the stream once it is read
  let requested = false;
  const stream: Readable = new Readable({
    read() {
      if (requested) return;
      requested = true;
      bytes.then(
        (buffer) => {
          if (buffer.length > 0) stream.push(buffer);
          stream.push(null);
        },
        (err: Error) => stream.destroy(err),
      );
    },
  });
  return stream;
}
