/**
 * The progress line of `get-images --output-dir` on stderr (terminal only, like get-media's):
 * images written, images without content, bytes. Lines printed to stdout while it is shown
 * clear it first so the two never interleave on one terminal line.
 */
export class ImageProgress {
  readonly #enabled: boolean;
  #written = 0;
  #skipped = 0;
  #bytes = 0;
  #shown = false;

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  written(bytes: number): void {
    this.#written += 1;
    this.#bytes += bytes;
    this.#draw();
  }

  skipped(): void {
    this.#skipped += 1;
    this.#draw();
  }

  print(line: string): void {
    if (this.#shown) process.stderr.write('\r\x1b[K');
    process.stdout.write(line);
    this.#shown = false;
    this.#draw();
  }

  #draw(): void {
    if (!this.#enabled) return;
    const kib = (this.#bytes / 1024).toFixed(1);
    process.stderr.write(
      `\r${this.#written} images written (${kib} KiB), ${this.#skipped} without image\x1b[K`,
    );
    this.#shown = true;
  }

  finish(): void {
    if (this.#enabled && this.#shown) process.stderr.write('\n');
  }
}
