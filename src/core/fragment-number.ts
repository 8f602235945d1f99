/**
 * Fragment numbers: fixed-width 47-digit decimal strings, because clients compare them as
 * strings (spec §0.3, §2.2). Layout: a constant 13-digit prefix taken from real KVS numbers,
 * then a 34-digit counter. kvideo's counter is the server timestamp in microseconds, bumped
 * to last+1 when needed, so numbers are strictly increasing per stream and unique across
 * restarts without persisting a separate counter.
 */
export const FRAGMENT_NUMBER_DIGITS = 47;
const PREFIX = '9134385233318';
const COUNTER_DIGITS = FRAGMENT_NUMBER_DIGITS - PREFIX.length;
const FRAGMENT_NUMBER_RE = /^[0-9]{1,128}$/;

export function formatFragmentNumber(counter: bigint): string {
  return PREFIX + counter.toString().padStart(COUNTER_DIGITS, '0');
}

/** The counter of a kvideo fragment number, or undefined for a string kvideo never issues. */
export function parseFragmentNumber(value: string): bigint | undefined {
  if (value.length !== FRAGMENT_NUMBER_DIGITS || !value.startsWith(PREFIX) || !/^[0-9]+$/.test(value)) {
    return undefined;
  }
  return BigInt(value.slice(PREFIX.length));
}

/** Syntactic check used by validation: the model allows 1–128 digits. */
export function isFragmentNumberSyntax(value: string): boolean {
  return FRAGMENT_NUMBER_RE.test(value);
}

/** Next number for a fragment that started arriving at `serverTimeMs`, strictly after `last`. */
export function nextFragmentCounter(last: bigint | undefined, serverTimeMs: number): bigint {
  const fromClock = BigInt(Math.floor(serverTimeMs * 1000));
  return last === undefined || fromClock > last ? fromClock : last + 1n;
}
