/**
 * Timestamp parameter values as botocore accepts them (parse_to_aware_datetime): epoch seconds
 * (`1700000000`, `1700000000.5`, as number or string) or ISO 8601 (`2024-01-02`,
 * `2024-01-02T03:04:05Z`, `2024-01-02 03:04:05.678+01:00`). A time without a zone is taken as
 * UTC, so the same command means the same instant on every machine.
 */
import { PyFloat } from '../output/py-value.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Epoch milliseconds, or undefined when the value is not a timestamp. */
export function parseTimestampMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (value instanceof PyFloat) return value.valueOf() * 1000;
  if (typeof value === 'number') return Number.isFinite(value) ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone = 'Z'] = m;
  const z = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${frac.slice(0, 4)}${z}`);
  return Number.isNaN(ms) ? undefined : ms;
}
