/**
 * The quota and resource-limit flags of `kvideo serve` (issue #14, issue #11): each KVS per-stream
 * quota can be set or lifted, `--unthrottled` lifts them all, and the host-protecting limits
 * (connection cap, ingest memory budget, idle and stall timeouts) can be tuned. Every flag has a
 * KVIDEO_* environment variable; a flag wins over its variable. Turns strings into the option
 * objects of createKvideoServer and knows nothing else.
 */
import type { ServerLimits } from './actions/index.js';
import type { IngestLimits } from './ingest/limits.js';
import { UNLIMITED_PLAYBACK } from './playback/index.js';
import type { HttpLimits } from './server.js';

/** The ServerLimits that are plain numbers (every one but the playback quota table). */
type NumericLimit = Exclude<keyof ServerLimits, 'playback'>;

export const LIMITS_USAGE = `
quotas (per stream; KVS's values by default, 0 = unlimited):
  --unthrottled                     lift every per-stream quota below and the HLS/DASH quotas (env KVIDEO_UNTHROTTLED=1)
  --get-media-connections N         concurrent GetMedia readers per stream (env KVIDEO_GET_MEDIA_CONNECTIONS, default 3)
  --get-media-calls-per-second N    GetMedia calls per second per stream (env KVIDEO_GET_MEDIA_CALLS_PER_SECOND, default 5)
  --get-media-bytes-per-second N    data rate per GetMedia reader (env KVIDEO_GET_MEDIA_BYTES_PER_SECOND, default 25000000)
  --put-media-connections N         concurrent PutMedia producers per stream (env KVIDEO_PUT_MEDIA_CONNECTIONS, default 1)
  --put-media-calls-per-second N    PutMedia calls per second per stream (env KVIDEO_PUT_MEDIA_CALLS_PER_SECOND, default 5)

resource limits (protect the host; see README "Running beyond loopback"):
  --max-connections N               open connections at most, newer ones are closed (env KVIDEO_MAX_CONNECTIONS, default 4096, 0 = no cap)
  --ingest-memory SIZE              bytes all uploads may hold in memory, e.g. 256MiB (env KVIDEO_INGEST_MEMORY, default 256MiB, 0 = unlimited)
  --put-media-idle-timeout S        a PutMedia ends after S seconds without data (env KVIDEO_PUT_MEDIA_IDLE_TIMEOUT, default 30)
  --put-media-min-rate N            ... or with fewer than N bytes/s over such a window (env KVIDEO_PUT_MEDIA_MIN_RATE, default 100, 0 = off)
  --reader-stall-timeout S          a GetMedia reader that takes no bytes for S seconds is disconnected (env KVIDEO_READER_STALL_TIMEOUT, default 30, 0 = never)
`;

export const LIMIT_OPTIONS = {
  unthrottled: { type: 'boolean' },
  'get-media-connections': { type: 'string' },
  'get-media-calls-per-second': { type: 'string' },
  'get-media-bytes-per-second': { type: 'string' },
  'put-media-connections': { type: 'string' },
  'put-media-calls-per-second': { type: 'string' },
  'max-connections': { type: 'string' },
  'ingest-memory': { type: 'string' },
  'put-media-idle-timeout': { type: 'string' },
  'put-media-min-rate': { type: 'string' },
  'reader-stall-timeout': { type: 'string' },
} as const;

export type LimitFlagValues = Partial<Record<keyof typeof LIMIT_OPTIONS, string | boolean>>;

export interface LimitSettings {
  limits: Partial<ServerLimits>;
  ingestLimits: Partial<IngestLimits>;
  http: Partial<HttpLimits>;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** `256MiB`, `1.5GB`, `1000000` → bytes. */
export function parseSize(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined) throw new Error(`invalid --${flag}: ${text} (e.g. 256MiB, 1GB, 1000000)`);
  return Math.floor(Number(m[1]) * unit);
}

function parseCount(flag: string, text: string): number {
  if (!/^\s*\d+\s*$/.test(text))
    throw new Error(`invalid --${flag}: ${text} (a whole number, 0 = unlimited)`);
  return Number(text);
}

function parseSeconds(flag: string, text: string): number {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text)) throw new Error(`invalid --${flag}: ${text} (seconds)`);
  return Math.round(Number(text) * 1000);
}

function envName(flag: string): string {
  return `KVIDEO_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** Builds the limit options from flags (already parsed by node:util parseArgs) and environment. */
export function limitsFromFlags(values: LimitFlagValues, env: NodeJS.ProcessEnv): LimitSettings {
  const get = (flag: keyof typeof LIMIT_OPTIONS): string | undefined => {
    const value = values[flag];
    return typeof value === 'string' ? value : env[envName(flag)];
  };
  const out: LimitSettings = { limits: {}, ingestLimits: {}, http: {} };
  const unthrottled = values.unthrottled === true || env.KVIDEO_UNTHROTTLED === '1';
  if (unthrottled) {
    Object.assign(out.limits, {
      getMediaConnectionsPerStream: 0,
      getMediaCallsPerSecond: 0,
      getMediaBytesPerSecond: 0,
      putMediaConnectionsPerStream: 0,
      putMediaCallsPerSecond: 0,
      playback: UNLIMITED_PLAYBACK,
    } satisfies Partial<ServerLimits>);
  }
  // A quota given explicitly wins over --unthrottled, so "all lifted but 1 producer" is possible.
  const counts: [keyof typeof LIMIT_OPTIONS, NumericLimit][] = [
    ['get-media-connections', 'getMediaConnectionsPerStream'],
    ['get-media-calls-per-second', 'getMediaCallsPerSecond'],
    ['get-media-bytes-per-second', 'getMediaBytesPerSecond'],
    ['put-media-connections', 'putMediaConnectionsPerStream'],
    ['put-media-calls-per-second', 'putMediaCallsPerSecond'],
  ];
  for (const [flag, key] of counts) {
    const text = get(flag);
    if (text !== undefined) out.limits[key] = parseCount(flag, text);
  }
  const maxConnections = get('max-connections');
  if (maxConnections !== undefined) out.http.maxConnections = parseCount('max-connections', maxConnections);
  const memory = get('ingest-memory');
  if (memory !== undefined) out.limits.ingestMemoryBytes = parseSize('ingest-memory', memory);
  const stall = get('reader-stall-timeout');
  if (stall !== undefined) out.limits.readerStallTimeoutMs = parseSeconds('reader-stall-timeout', stall);
  const idle = get('put-media-idle-timeout');
  if (idle !== undefined) {
    const ms = parseSeconds('put-media-idle-timeout', idle);
    if (ms <= 0) throw new Error('--put-media-idle-timeout must be above 0');
    out.ingestLimits.idleTimeoutMs = ms;
    // IDLE ACKs keep their 3 s rhythm, but must come more often than a shorter idle timeout.
    if (ms < 6000) out.ingestLimits.idleAckIntervalMs = Math.max(100, Math.floor(ms / 4));
  }
  const rate = get('put-media-min-rate');
  if (rate !== undefined) out.ingestLimits.minBytesPerSecond = parseCount('put-media-min-rate', rate);
  return out;
}
