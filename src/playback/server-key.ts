/**
 * The secret that signs playback session tokens. It lives in the data directory (created on first
 * start with mode 0600, O_EXCL so two processes racing on one directory agree on one key), so every
 * kvideo process sharing the data can verify a token and a restart does not break open players
 * (design.md Part 2, "stateless readers"). A memory-only server gets a random per-process key.
 *
 * Owns: the key file's name, size and permissions. Must not know: what is signed.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SESSION_KEY_FILE = 'playback-session.key';
const KEY_BYTES = 32;

export function loadOrCreateSessionKey(dataDir: string | undefined): Buffer {
  if (dataDir === undefined) return randomBytes(KEY_BYTES);
  const path = join(dataDir, SESSION_KEY_FILE);
  try {
    writeFileSync(path, randomBytes(KEY_BYTES), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = readFileSync(path);
  if (key.length !== KEY_BYTES) {
    throw new Error(`${path} is not a ${KEY_BYTES}-byte playback session key; remove it to make a new one`);
  }
  return key;
}
