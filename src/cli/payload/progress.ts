/**
 * The progress line get-media shows on stderr when stderr is a terminal: fragments and bytes
 * written, average rate, and how far behind the live edge the last fragment was
 * (AWS_KINESISVIDEO_MILLIS_BEHIND_NOW). Redrawn in place at most four times a second; never
 * shown when stderr is not a terminal, so logs and pipes stay clean.
 *
 * Also the voice of --follow's retries, which must never be silent (a reader of a server that
 * is down would otherwise wait forever without a word): on a terminal the line says
 * "reconnecting (attempt N failed: <error>)" until data flows again; elsewhere each failed
 * attempt and the eventual reconnection are one line each on stderr.
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
  #status: string | undefined;

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  update(bytes: number, tags: Record<string, string> | undefined): void {
    this.#bytes += bytes;
    if (bytes > 0 && this.#status !== undefined) {
      this.#status = undefined;
      this.#draw();
    }
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
    const status = this.#status !== undefined ? `, ${this.#status}` : '';
    let line = `${this.#fragments} fragments, ${human(this.#bytes)}, ${human(this.#bytes / seconds)}/s${behind}${status}`;
    // One terminal row, or the carriage return would redraw only the last of several.
    const width = process.stderr.columns;
    if (width && line.length > width - 1) line = `${line.slice(0, Math.max(width - 2, 0))}…`;
    process.stderr.write(`\r${line}\x1b[K`);
    this.#drawn = true;
  }

  /** A --follow attempt failed (`attempt` in a row without data); the next starts after `delayMs`. */
  reconnecting(attempt: number, error: string, delayMs: number): void {
    if (this.#enabled) {
      this.#status = `reconnecting (attempt ${attempt} failed: ${error})`;
      this.#draw();
      return;
    }
    const when = delayMs > 0 ? ` in ${(delayMs / 1000).toFixed(1)} s` : '';
    process.stderr.write(`GetMedia attempt ${attempt} failed: ${error}; reconnecting${when}\n`);
  }

  /** A GetMedia session answered again after `failures` failed attempts. */
  reconnected(failures: number): void {
    if (this.#enabled) {
      this.#status = undefined;
      this.#draw();
      return;
    }
    process.stderr.write(
      `GetMedia reconnected after ${failures} failed attempt${failures === 1 ? '' : 's'}\n`,
    );
  }

  /** Final redraw and newline, so the prompt or later messages start on a fresh line. */
  finish(): void {
    if (!this.#enabled) return;
    this.#draw();
    if (this.#drawn) process.stderr.write('\n');
  }
}
