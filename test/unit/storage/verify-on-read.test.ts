/**
 * Reads verify the record CRC (issue #11, "never serve corrupt bytes"): a byte flipped inside a
 * stored fragment makes openPayload fail instead of yielding it, a streamed (large) fragment
 * never releases its final bytes when the check fails, every detection is counted, and intact
 * neighbours keep reading. Also covers index entries written before `pre` was indexed.
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { open as openLmdb } from 'lmdb';
import type { FragmentStore } from '../../../src/storage/index.js';
import { fn, header, input, payloadBytes, readPayload } from '../../contract/fragment-fixtures.js';
import { tempDir } from '../../contract/temp-dir.js';
import { STREAM, lastSegment, open } from './file-helpers.js';

/** Flips one byte of the stored copy of `needle`, `at` bytes into it. */
function flipStoredByte(file: string, needle: Buffer, at: number): void {
  const where = readFileSync(file).indexOf(needle);
  assert.ok(where >= 0, 'payload found in the segment');
  flipByteAt(file, where + at);
}

/** Flips a byte of the length field in the prefix of the record holding `needle`. */
function flipPrefixOf(file: string, needle: Buffer): void {
  const bytes = readFileSync(file);
  const recordStart = bytes.lastIndexOf(Buffer.from('KVDR'), bytes.indexOf(needle));
  assert.ok(recordStart >= 0);
  flipByteAt(file, recordStart + 9);
}

function flipByteAt(file: string, position: number): void {
  const fd = openSync(file, 'r+');
  try {
    const one = Buffer.alloc(1);
    readSync(fd, one, 0, 1, position);
    one[0] = (one[0] as number) ^ 0x5a;
    writeSync(fd, one, 0, 1, position);
  } finally {
    closeSync(fd);
  }
}

/** Reads a payload piece by piece; returns what arrived and the error it ended with, if any. */
async function drain(store: FragmentStore, i: number): Promise<{ bytes: Buffer; error?: Error }> {
  const parts: Buffer[] = [];
  try {
    for await (const piece of store.openPayload(STREAM, store.getFragment(STREAM, fn(i))!)) {
      parts.push(piece as Buffer);
    }
    return { bytes: Buffer.concat(parts) };
  } catch (err) {
    return { bytes: Buffer.concat(parts), error: err as Error };
  }
}

const corruptReads = (store: FragmentStore): number =>
  (store as unknown as { stats: { corruptReads: number } }).stats.corruptReads;

test('a flipped byte in a small fragment fails the read before any byte; neighbours read', async () => {
  const tmp = tempDir();
  const storage = await open(tmp.dir, 1 << 20);
  try {
    const store = storage.fragments;
    const hid = await store.putHeader(STREAM, header('a'));
    for (let i = 1; i <= 3; i++) await store.appendFragment(STREAM, hid, input(i), [payloadBytes(i, 700)]);
    flipStoredByte(lastSegment(tmp.dir), payloadBytes(2, 700), 350);
    const damaged = await drain(store, 2);
    assert.equal(damaged.error?.name, 'CorruptRecordError');
    assert.equal(damaged.bytes.length, 0, 'nothing of the damaged fragment was released');
    assert.equal(corruptReads(store), 1);
    for (const i of [1, 3]) assert.ok((await readPayload(store, STREAM, i)).equals(payloadBytes(i, 700)));
    assert.equal(corruptReads(store), 1);
  } finally {
    await storage.close();
    tmp.remove();
  }
});

test('a streamed large fragment withholds its last bytes when the CRC fails', async () => {
  const tmp = tempDir();
  const storage = await open(tmp.dir, 8 << 20);
  const size = 1_000_000;
  try {
    const store = storage.fragments;
    const hid = await store.putHeader(STREAM, header('a'));
    for (let i = 1; i <= 3; i++) await store.appendFragment(STREAM, hid, input(i), [payloadBytes(i, size)]);
    flipStoredByte(lastSegment(tmp.dir), payloadBytes(2, size), size - 10);
    const damaged = await drain(store, 2);
    assert.equal(damaged.error?.name, 'CorruptRecordError');
    assert.ok(damaged.bytes.length < size, `${damaged.bytes.length} of ${size} bytes released`);
    assert.ok(damaged.bytes.length <= size - 10, 'the damaged byte itself was never released');
    assert.ok(damaged.bytes.equals(payloadBytes(2, size).subarray(0, damaged.bytes.length)));
    // Damage to the record's framing stops the read before the first byte.
    flipPrefixOf(lastSegment(tmp.dir), payloadBytes(3, size).subarray(0, 64));
    const early = await drain(store, 3);
    assert.equal(early.error?.name, 'CorruptRecordError');
    assert.equal(early.bytes.length, 0);
    assert.equal(corruptReads(store), 2);
    assert.ok((await readPayload(store, STREAM, 1)).equals(payloadBytes(1, size)));
  } finally {
    await storage.close();
    tmp.remove();
  }
});

test('index entries without a record offset (older index) are still verified', async () => {
  const tmp = tempDir();
  let storage = await open(tmp.dir, 8 << 20);
  const sizes = [700, 400_000];
  const hid = await storage.fragments.putHeader(STREAM, header('a'));
  for (const [k, size] of sizes.entries()) {
    await storage.fragments.appendFragment(STREAM, hid, input(k + 1), [payloadBytes(k + 1, size)]);
  }
  await storage.close();
  // Strip `pre` from every entry, as an index written before reads were verified has them.
  const env = openLmdb({ path: join(tmp.dir, 'meta.lmdb'), maxDbs: 16 });
  const fragments = env.openDB<Record<string, unknown>>({ name: 'fragments' });
  for (const { key, value } of [...fragments.getRange({})]) {
    const { pre: _pre, ...rest } = value;
    await fragments.put(key, rest);
  }
  await env.close();
  storage = await open(tmp.dir, 8 << 20);
  try {
    const store = storage.fragments;
    for (const [k, size] of sizes.entries()) {
      assert.ok((await readPayload(store, STREAM, k + 1)).equals(payloadBytes(k + 1, size)));
    }
    for (const [k, size] of sizes.entries()) {
      flipStoredByte(lastSegment(tmp.dir), payloadBytes(k + 1, size).subarray(0, 256), 100);
      assert.equal((await drain(store, k + 1)).error?.name, 'CorruptRecordError', `fragment ${k + 1}`);
    }
    assert.equal(corruptReads(store), 2);
  } finally {
    await storage.close();
    tmp.remove();
  }
});
