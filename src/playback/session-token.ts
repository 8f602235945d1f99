/**
 * Session tokens: the whole PlaybackSession, compactly serialised, base64url, then `~` and an
 * HMAC-SHA256 over the payload with the server key (server-key.ts). Tokens are URL-safe
 * (`[A-Za-z0-9_-~]`, like KVS's opaque tokens, spec §7.4) and need no server state, so any process
 * sharing the data directory serves them.
 *
 * Owns: the token format and its checks (signature, version, expiry). Must not know: HTTP.
 * Expired or forged tokens fail with 403 (a KVS player sees "Streaming session token is expired",
 * spec §7.4 [obs R24]).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { KvsError, invalidArgument } from '../core/errors.js';
import type { PlaybackSession } from './session.js';

const VERSION = 1;
const SEPARATOR = '~';

/** Positional wire form: short, and a field order change is caught by the version number. */
type Wire = [
  v: number,
  kind: string,
  id: string,
  streamId: string,
  streamArn: string,
  mode: string,
  clock: string,
  startMs: number | null,
  endMs: number | null,
  anchor: [number, string] | null,
  container: string,
  discontinuity: string,
  displayTimestamp: 0 | 1,
  displayFragmentNumber: 0 | 1,
  maxResults: number,
  headerId: number,
  origin: [wallMs: number, producerMs: number],
  createdMs: number,
  expiresMs: number,
];

export const tokenExpired = (): KvsError =>
  new KvsError('NotAuthorizedException', 'Streaming session token is expired.', 403);
export const tokenInvalid = (): KvsError =>
  new KvsError('NotAuthorizedException', 'The streaming session token is not valid.', 403);

export class SessionTokens {
  readonly #key: Buffer;
  readonly #clock: Clock;

  constructor(key: Buffer, clock: Clock) {
    this.#key = key;
    this.#clock = clock;
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#key).update(payload).digest();
  }

  encode(s: PlaybackSession): string {
    const wire: Wire = [
      VERSION,
      s.kind,
      s.id,
      s.streamId,
      s.streamArn,
      s.mode,
      s.clock,
      s.startMs ?? null,
      s.endMs ?? null,
      s.anchor ? [s.anchor.serverTimestampMs, s.anchor.fragmentNumber] : null,
      s.container,
      s.discontinuity,
      s.displayTimestamp ? 1 : 0,
      s.displayFragmentNumber ? 1 : 0,
      s.maxResults,
      s.headerId,
      [s.origin.wallMs, s.origin.producerMs],
      s.createdMs,
      s.expiresMs,
    ];
    const payload = Buffer.from(JSON.stringify(wire)).toString('base64url');
    return `${payload}${SEPARATOR}${this.#mac(payload).toString('base64url')}`;
  }

  /** Verifies and decodes a token; throws 403 for a forged, malformed or expired one. */
  decode(token: string | null | undefined): PlaybackSession {
    if (token === undefined || token === null || token === '') {
      throw invalidArgument('The SessionToken parameter is required.');
    }
    const cut = token.lastIndexOf(SEPARATOR);
    if (cut <= 0) throw tokenInvalid();
    const payload = token.slice(0, cut);
    const given = Buffer.from(token.slice(cut + 1), 'base64url');
    const expected = this.#mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw tokenInvalid();
    let w: Wire;
    try {
      w = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Wire;
    } catch {
      throw tokenInvalid();
    }
    // A correctly signed token of another format version is still not ours to read.
    if (!Array.isArray(w) || w[0] !== VERSION || w.length !== 19) throw tokenInvalid();
    const session: PlaybackSession = {
      kind: w[1] as PlaybackSession['kind'],
      id: w[2],
      streamId: w[3],
      streamArn: w[4],
      mode: w[5] as PlaybackSession['mode'],
      clock: w[6] as PlaybackSession['clock'],
      ...(w[7] !== null ? { startMs: w[7] } : {}),
      ...(w[8] !== null ? { endMs: w[8] } : {}),
      ...(w[9] !== null ? { anchor: { serverTimestampMs: w[9][0], fragmentNumber: w[9][1] } } : {}),
      container: w[10] as PlaybackSession['container'],
      discontinuity: w[11] as PlaybackSession['discontinuity'],
      displayTimestamp: w[12] === 1,
      displayFragmentNumber: w[13] === 1,
      maxResults: w[14],
      headerId: w[15],
      origin: { wallMs: w[16][0], producerMs: w[16][1] },
      createdMs: w[17],
      expiresMs: w[18],
    };
    if (this.#clock.now() >= session.expiresMs) throw tokenExpired();
    return session;
  }
}
