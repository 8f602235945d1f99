/**
 * Where media bytes (and `--tags` lines) go: a file, opened (truncated) only once the service
 * has answered 200 as the AWS CLI does, or stdout/stderr for `-`. Writes wait for the
 * destination to accept the bytes (backpressure), so a slow `| ffplay -` slows the download
 * instead of buffering it. A closed pipe (the player quit) surfaces as BrokenPipe.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

export class BrokenPipe extends Error {}

function writeStream(stream: Writable, data: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(err.code === 'EPIPE' ? new BrokenPipe('output pipe closed') : err);
    };
    stream.once('error', onError);
    const ok = stream.write(data, (err) => {
      stream.off('error', onError);
      if (err) onError(err);
      else if (ok) resolve();
    });
    if (!ok) stream.once('drain', () => resolve());
  });
}

export class OutputTarget {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle | undefined,
    private readonly stream: Writable | undefined,
  ) {}

  /** `-` is stdout (or stderr for tags); anything else a file created or truncated now. */
  static async open(path: string, dash: 'stdout' | 'stderr' = 'stdout'): Promise<OutputTarget> {
    if (path === '-')
      return new OutputTarget(path, undefined, dash === 'stdout' ? process.stdout : process.stderr);
    return new OutputTarget(path, await open(path, 'w'), undefined);
  }

  get isStdout(): boolean {
    return this.stream === process.stdout;
  }

  async write(data: Uint8Array | string): Promise<void> {
    if (this.stream) return writeStream(this.stream, data);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += (await this.handle!.write(buf, off, buf.length - off)).bytesWritten;
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }
}
