/**
 * The GetImages request rules (spec §7.6, the API reference): the time range (End not before
 * Start, at most 300 s), SamplingInterval (at least 200 ms), FormatConfig.JPEGQuality (1–100,
 * default 80), the page size (MaxResults, at most 25 per response) and the NextToken, which
 * carries the sampling it belongs to plus the index of the next sample. Turns a validated input
 * into the list of sample times of one page. Pure.
 */
import type { archived } from '../api/index.js';
import { invalidArgument } from '../core/errors.js';
import type { TimestampClock } from '../storage/types.js';

export const MAX_RANGE_MS = 300_000;
export const MIN_SAMPLING_INTERVAL_MS = 200;
/**
 * The current model makes SamplingInterval optional without saying what its absence means
 * (UNCONFIRMED); 3000 ms, the minimum of the operation's first model version, is used then.
 */
export const DEFAULT_SAMPLING_INTERVAL_MS = 3000;
export const DEFAULT_JPEG_QUALITY = 80;
/** "Providing a MaxResults greater than this value will result in a page size of 25." */
export const MAX_PAGE_SIZE = 25;

export interface ImagesPage {
  clock: TimestampClock;
  format: 'JPEG' | 'PNG';
  jpegQuality: number;
  width?: number;
  height?: number;
  /** Epoch milliseconds of each sample on this page. */
  samples: number[];
  nextToken?: string;
}

interface Token {
  c: TimestampClock;
  s: number;
  e: number;
  i: number;
  k: number;
}

function decodeToken(token: string): Token {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Token;
    if (
      (t.c === 'PRODUCER' || t.c === 'SERVER') &&
      [t.s, t.e, t.i, t.k].every((n) => typeof n === 'number' && Number.isFinite(n)) &&
      Number.isInteger(t.k) &&
      t.k > 0
    ) {
      return t;
    }
  } catch {
    // fall through
  }
  throw invalidArgument('The NextToken is invalid.');
}

function jpegQuality(config: Record<string, string> | undefined): number {
  const value = config?.JPEGQuality;
  if (value === undefined) return DEFAULT_JPEG_QUALITY;
  const quality = /^[0-9]{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(quality >= 1 && quality <= 100)) {
    throw invalidArgument(
      `FormatConfig JPEGQuality must be an integer from 1 to 100, not ${JSON.stringify(value)}.`,
    );
  }
  return quality;
}

export function planImagesPage(input: archived.GetImagesInput): ImagesPage {
  const clock: TimestampClock = input.ImageSelectorType === 'PRODUCER_TIMESTAMP' ? 'PRODUCER' : 'SERVER';
  const startMs = Math.round(input.StartTimestamp * 1000);
  const endMs = Math.round(input.EndTimestamp * 1000);
  if (endMs < startMs) throw invalidArgument('EndTimestamp must not be before StartTimestamp.');
  if (endMs - startMs > MAX_RANGE_MS) {
    throw invalidArgument(
      'The time range between StartTimestamp and EndTimestamp must not exceed 300 seconds.',
    );
  }
  const interval = input.SamplingInterval ?? DEFAULT_SAMPLING_INTERVAL_MS;
  if (interval < MIN_SAMPLING_INTERVAL_MS) {
    throw invalidArgument(`SamplingInterval must be at least ${MIN_SAMPLING_INTERVAL_MS} milliseconds.`);
  }
  const quality = jpegQuality(input.FormatConfig);
  let first = 0;
  if (input.NextToken !== undefined) {
    const token = decodeToken(input.NextToken);
    if (token.c !== clock || token.s !== startMs || token.e !== endMs || token.i !== interval) {
      throw invalidArgument('The NextToken does not belong to this time range and sampling interval.');
    }
    first = token.k;
  }
  // Samples at Start, Start + interval, … up to End inclusive; a range shorter than the interval
  // still yields the image at StartTimestamp (API reference, SamplingInterval).
  const count = Math.floor((endMs - startMs) / interval) + 1;
  const pageSize = Math.min(input.MaxResults ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const last = Math.min(first + pageSize, count);
  const samples: number[] = [];
  for (let k = first; k < last; k++) samples.push(startMs + k * interval);
  const page: ImagesPage = { clock, format: input.Format, jpegQuality: quality, samples };
  if (input.WidthPixels !== undefined) page.width = input.WidthPixels;
  if (input.HeightPixels !== undefined) page.height = input.HeightPixels;
  if (last < count) {
    const token: Token = { c: clock, s: startMs, e: endMs, i: interval, k: last };
    page.nextToken = Buffer.from(JSON.stringify(token)).toString('base64');
  }
  return page;
}
