/**
 * The progress line get-media shows on stderr when stderr is a terminal: fragments and bytes
 * written, average rate, and how far behind the live edge the last fragment was
 * (AWS_KINESISVIDEO_MILLIS_BEHIND_NOW). Redrawn in place at most four times a second; never
 * shown when stderr is not a terminal, so logs and pipes stay clean.
 */
function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

export class Progress {
  readonly #enabled: boolean;
  readonly #started = Date.now();
  #fragments = 0;
  #bytes = 0;
  #behindMs: string | undefined;
  #lastDraw = 0;
  #drawn = false;

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  update(bytes: number, tags: Record<string, string> | undefined): void {
    this.#bytes += bytes;
    if (tags?.AWS_KINESISVIDEO_FRAGMENT_NUMBER !== undefined) this.#fragments++;
    if (tags?.AWS_KINESISVIDEO_MILLIS_BEHIND_NOW !== undefined)
      this.#behindMs = tags.AWS_KINESISVIDEO_MILLIS_BEHIND_NOW;
    if (Date.now() - this.#lastDraw >= 250) this.#draw();
  }

  #draw(): void {
    if (!this.#enabled) return;
    this.#lastDraw = Date.now();
    const seconds = Math.max((this.#lastDraw - this.#started) / 1000, 0.001);
    const behind = this.#behindMs !== undefined ? `, ${this.#behindMs} ms behind now` : '';
    process.stderr.write(
      `\r${this.#fragments} fragments, ${human(this.#bytes)}, ${human(this.#bytes / seconds)}/s${behind}\x1b[K`,
    );
    this.#drawn = true;
  }

  /** Final redraw and newline, so the prompt or later messages start on a fresh line. */
  finish(): void {
    if (!this.#enabled) return;
    this.#draw();
    if (this.#drawn) process.stderr.write('\n');
  }
}
