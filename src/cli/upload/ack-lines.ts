/**
 * Splits PutMedia's response body into ACK lines (spec §5.6: one compact JSON object per `\n`,
 * several per read or one split across reads) and parses each. Owns only the framing: what an
 * ACK means for the upload's outcome is tally.ts's job, printing is the command's.
 */
import { parsePyJson } from '../output/py-json.js';

export interface Ack {
  EventType?: unknown;
  FragmentTimecode?: unknown;
  FragmentNumber?: unknown;
  ErrorId?: unknown;
  ErrorCode?: unknown;
  [key: string]: unknown;
}

export interface AckLine {
  /** The line as the service sent it, without the newline. */
  text: string;
  /** The parsed object, or undefined when the line is not a JSON object. */
  ack: Ack | undefined;
}

function parse(text: string): AckLine {
  try {
    const value = parsePyJson(text);
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    return { text, ack: isObject ? (value as Ack) : undefined };
  } catch {
    return { text, ack: undefined };
  }
}

export class AckLines {
  #pending = '';

  /** The complete lines in `text` (blank lines skipped); a partial last line waits for more. */
  push(text: string): AckLine[] {
    this.#pending += text;
    const out: AckLine[] = [];
    let nl: number;
    while ((nl = this.#pending.indexOf('\n')) >= 0) {
      const line = this.#pending.slice(0, nl).trim();
      this.#pending = this.#pending.slice(nl + 1);
      if (line) out.push(parse(line));
    }
    return out;
  }

  /** At the end of the body: a last line without its newline still counts. */
  end(): AckLine[] {
    const line = this.#pending.trim();
    this.#pending = '';
    return line ? [parse(line)] : [];
  }
}
