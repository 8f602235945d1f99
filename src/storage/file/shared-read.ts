/**
 * Whole-payload reads of small fragments, single-flight: openPayload calls for the same bytes
 * while a read of them is in flight (the live GetMedia readers one append wakes up together)
 * share that one open/read/close and its one Buffer, instead of each reader opening the segment
 * and allocating its own 64 KiB read buffers. Nothing is cached: the entry is dropped when the
 * read settles, so a later call reads the file again and sees a deleted or unreadable segment
 * exactly as a fresh read would. Like fs.createReadStream, a read that hits the end of the file
 * early yields the bytes that were there.
 * bench/live-fanout.ts showed open/read/close per reader and fragment as the top server cost.
 * Must not know what the bytes mean.
 */
import { close, open, read } from 'node:fs';
import { Readable } from 'node:stream';

/** Payloads up to this size are read in one piece; larger ones are streamed by the caller. */
export const SHARED_READ_MAX_BYTES = 256 * 1024;

export class SharedReads {
  readonly #inFlight = new Map<string, Promise<Buffer>>();

  /** A Readable of the `length` bytes at `offset` of `path` (at most SHARED_READ_MAX_BYTES). */
  open(path: string, offset: number, length: number): Readable {
    const key = `${offset}:${length}:${path}`;
    let bytes = this.#inFlight.get(key);
    if (!bytes) {
      const started = readRange(path, offset, length);
      const forget = (): void => {
        if (this.#inFlight.get(key) === started) this.#inFlight.delete(key);
      };
      started.then(forget, forget);
      this.#inFlight.set(key, started);
      bytes = started;
    }
    return bufferReadable(bytes);
  }
}

function readRange(path: string, offset: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (openErr, fd) => {
      if (openErr) return reject(openErr);
      const buffer = Buffer.allocUnsafeSlow(length);
      const finish = (err: Error | null, filled: number): void => {
        close(fd, (closeErr) => {
          if (err ?? closeErr) reject(err ?? closeErr);
          else resolve(filled === length ? buffer : buffer.subarray(0, filled));
        });
      };
      const readMore = (filled: number): void => {
        read(fd, buffer, filled, length - filled, offset + filled, (readErr, n) => {
          if (readErr) return finish(readErr, filled);
          if (n === 0 || filled + n === length) return finish(null, filled + n);
          readMore(filled + n);
        });
      };
      readMore(0);
    });
  });
}

function bufferReadable(bytes: Promise<Buffer>): Readable {
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
