/**
 * ListFragments (spec §7.1): fragments whose start time in the chosen clock lies in the inclusive
 * range, ascending by that time, paginated by an opaque NextToken that carries the selector and
 * the position, so a token alone continues the listing.
 */
import type { archived } from '../api/index.js';
import { toJsonEpochSeconds } from '../core/clock.js';
import { invalidArgument } from '../core/errors.js';
import type { FragmentMeta, FragmentStore, TimestampClock, TimestampCursor } from '../storage/types.js';

const DEFAULT_MAX_RESULTS = 1000;

interface Cursor {
  c: TimestampClock;
  s: number;
  e: number;
  t: number;
  f: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64');
}

function decodeCursor(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Cursor;
    if (
      (c.c === 'PRODUCER' || c.c === 'SERVER') &&
      [c.s, c.e, c.t].every((n) => typeof n === 'number' && Number.isFinite(n)) &&
      typeof c.f === 'string' &&
      /^[0-9]{1,128}$/.test(c.f)
    ) {
      return c;
    }
  } catch {
    // fall through to the error below
  }
  throw invalidArgument('The NextToken is invalid.');
}

export function toFragment(meta: FragmentMeta): archived.Fragment {
  return {
    FragmentNumber: meta.fragmentNumber,
    FragmentSizeInBytes: meta.size,
    ProducerTimestamp: toJsonEpochSeconds(meta.producerTimestampMs),
    ServerTimestamp: toJsonEpochSeconds(meta.serverTimestampMs),
    FragmentLengthInMilliseconds: meta.durationMs,
  };
}

export function listFragments(
  store: FragmentStore,
  streamId: string,
  input: Pick<archived.ListFragmentsInput, 'MaxResults' | 'NextToken' | 'FragmentSelector'>,
): archived.ListFragmentsOutput {
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  let clock: TimestampClock;
  let startMs: number;
  let endMs: number;
  let after: TimestampCursor | undefined;
  if (input.NextToken !== undefined) {
    const cursor = decodeCursor(input.NextToken);
    ({ c: clock, s: startMs, e: endMs } = cursor);
    after = { timestampMs: cursor.t, fragmentNumber: cursor.f };
  } else if (input.FragmentSelector) {
    const { FragmentSelectorType, TimestampRange } = input.FragmentSelector;
    clock = FragmentSelectorType === 'PRODUCER_TIMESTAMP' ? 'PRODUCER' : 'SERVER';
    startMs = TimestampRange.StartTimestamp * 1000;
    endMs = TimestampRange.EndTimestamp * 1000;
    if (endMs < startMs) throw invalidArgument('EndTimestamp must not be before StartTimestamp.');
  } else {
    // No selector: every fragment of the stream, by server time.
    clock = 'SERVER';
    startMs = 0;
    endMs = Number.MAX_SAFE_INTEGER;
  }
  const page = store.listByTimestamp(streamId, clock, startMs, endMs, limit + 1, after);
  const fragments = page.slice(0, limit);
  const output: archived.ListFragmentsOutput = { Fragments: fragments.map(toFragment) };
  const last = fragments.at(-1);
  if (page.length > limit && last) {
    output.NextToken = encodeCursor({
      c: clock,
      s: startMs,
      e: endMs,
      t: clock === 'PRODUCER' ? last.producerTimestampMs : last.serverTimestampMs,
      f: last.fragmentNumber,
    });
  }
  return output;
}
