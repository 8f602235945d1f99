/** Session tokens: round trip, forgery, expiry, and the data-dir key (created once, 0600, shared). */
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadOrCreateSessionKey, SESSION_KEY_FILE } from '../../../src/playback/server-key.js';
import type { PlaybackSession } from '../../../src/playback/session.js';
import { SessionTokens } from '../../../src/playback/session-token.js';
import { tempDir } from '../../helpers/server.js';

const session = (over: Partial<PlaybackSession> = {}): PlaybackSession => ({
  kind: 'HLS',
  id: 'abc',
  streamId: '1-aa',
  streamArn: 'arn:aws:kinesisvideo:us-west-2:000000000000:stream/s/1',
  mode: 'LIVE_REPLAY',
  clock: 'PRODUCER',
  startMs: 1_700_000_000_000,
  anchor: { serverTimestampMs: 5, fragmentNumber: '91343852333180000000000000000000000000000000001' },
  container: 'MPEG_TS',
  discontinuity: 'ON_DISCONTINUITY',
  displayTimestamp: true,
  displayFragmentNumber: false,
  maxResults: 7,
  headerId: 3,
  origin: { wallMs: 10, producerMs: 20 },
  createdMs: 1000,
  expiresMs: 301_000,
  ...over,
});

describe('session tokens', () => {
  const clock = { now: () => 2000 };
  const tokens = new SessionTokens(Buffer.alloc(32, 7), clock);

  test('carry the whole session and are URL-safe', () => {
    const s = session();
    const token = tokens.encode(s);
    assert.match(token, /^[A-Za-z0-9_-]+~[A-Za-z0-9_-]+$/);
    assert.deepEqual(tokens.decode(token), s);
    assert.equal(encodeURIComponent(token), token);
  });

  test('a changed payload or signature, or another key, is refused with 403', () => {
    const token = tokens.encode(session());
    const [payload, mac] = token.split('~') as [string, string];
    const forgedPayload = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('"LIVE_REPLAY"', '"ON_DEMAND"'),
    ).toString('base64url');
    for (const bad of [
      `${forgedPayload}~${mac}`,
      `${payload}~${mac.slice(0, -2)}AA`,
      'nonsense',
      `~${mac}`,
    ]) {
      assert.throws(() => tokens.decode(bad), { code: 'NotAuthorizedException', status: 403 });
    }
    const other = new SessionTokens(Buffer.alloc(32, 8), clock);
    assert.throws(() => other.decode(token), { code: 'NotAuthorizedException', status: 403 });
  });

  test('an expired token is refused with 403 "expired"', () => {
    const token = tokens.encode(session({ expiresMs: 2000 }));
    assert.throws(() => tokens.decode(token), {
      code: 'NotAuthorizedException',
      status: 403,
      message: /expired/,
    });
  });

  test('a missing token is an InvalidArgumentException', () => {
    assert.throws(() => tokens.decode(undefined), { code: 'InvalidArgumentException' });
  });
});

describe('session key file', () => {
  test('is created 0600 on first use and read back unchanged', () => {
    const dir = tempDir();
    const first = loadOrCreateSessionKey(dir);
    const st = statSync(join(dir, SESSION_KEY_FILE));
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(first.length, 32);
    assert.deepEqual(loadOrCreateSessionKey(dir), first);
  });

  test('a damaged key file is reported, not silently replaced', () => {
    const dir = tempDir();
    writeFileSync(join(dir, SESSION_KEY_FILE), 'short');
    assert.throws(() => loadOrCreateSessionKey(dir), /not a 32-byte/);
  });

  test('memory servers get a random key per process', () => {
    assert.notDeepEqual(loadOrCreateSessionKey(undefined), loadOrCreateSessionKey(undefined));
  });
});
