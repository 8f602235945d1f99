/**
 * Bounded cardinality for the `stream` label: the first `cap` distinct streams keep their own
 * label value; later ones are aggregated under OTHER_STREAMS until a slot frees up (a stream is
 * deleted). ARNs are reduced to the stream name so one stream never counts twice.
 */
import { parseStreamArn } from '../core/arn.js';

export const OTHER_STREAMS = '_other';

export class StreamLabels {
  readonly #cap: number;
  readonly #known = new Set<string>();

  constructor(cap: number) {
    this.#cap = cap;
  }

  /** The label value for a stream name or ARN. */
  label(stream: string): string {
    const name = stream.startsWith('arn:') ? (parseStreamArn(stream)?.streamName ?? stream) : stream;
    if (this.#known.has(name)) return name;
    if (this.#known.size >= this.#cap) return OTHER_STREAMS;
    this.#known.add(name);
    return name;
  }

  /** Whether the stream has a label slot of its own (for gauges collected at scrape time). */
  has(name: string): boolean {
    return this.#known.has(name);
  }

  release(name: string): boolean {
    return this.#known.delete(name);
  }
}
