/** Wall-clock source, injectable so tests can control server timestamps and time-based limits. */
export interface Clock {
  /** Milliseconds since the epoch, possibly fractional. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Epoch milliseconds as KVS's "seconds with exactly three decimals" (spec §6.3). */
export function formatEpochSeconds(ms: number): string {
  const whole = Math.round(ms);
  const seconds = Math.floor(whole / 1000);
  const millis = whole - seconds * 1000;
  return `${seconds}.${millis.toString().padStart(3, '0')}`;
}

/** Epoch milliseconds as the JSON number KVS emits (seconds, millisecond precision). */
export function toJsonEpochSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}
