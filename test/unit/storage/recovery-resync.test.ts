/**
 * Recovery resynchronises past a damaged record (issue #11): a rebuild that meets one bad record
 * in the middle of a segment skips it, keeps a copy of its bytes in the stream's quarantine
 * directory, and indexes every intact record after it, instead of truncating the file there.
 */
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fn, header, payloadBytes, readPayload, appendRange } from '../../contract/fragment-fixtures.js';
import { tempDir } from '../../contract/temp-dir.js';
import { STREAM, lastSegment, open, recordBytes } from './file-helpers.js';

function corrupt(file: string, needle: Buffer, at: number): void {
  const where = readFileSync(file).indexOf(needle);
  assert.ok(where >= 0);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from([0xde, 0xad]), 0, 2, where + at);
  closeSync(fd);
}

test('a rebuild skips and quarantines a damaged record and keeps every intact one after it', async () => {
  const tmp = tempDir();
  try {
    let storage = await open(tmp.dir, 1 << 20);
    const hid = await storage.fragments.putHeader(STREAM, header('a'));
    await appendRange(storage.fragments, STREAM, hid, 1, 10, 700);
    await storage.close();
    const file = lastSegment(tmp.dir);
    const size = statSync(file).size;
    corrupt(file, payloadBytes(5, 700), 300);
    rmSync(join(tmp.dir, 'meta.lmdb'));
    rmSync(join(tmp.dir, 'meta.lmdb-lock'), { force: true });
    storage = await open(tmp.dir, 1 << 20);
    try {
      const listed = storage.fragments
        .listByTimestamp(STREAM, 'SERVER', 0, 1e12, 100)
        .map((m) => m.fragmentNumber);
      assert.deepEqual(listed, [1, 2, 3, 4, 6, 7, 8, 9, 10].map(fn));
      for (const i of [1, 2, 3, 4, 6, 7, 8, 9, 10]) {
        assert.ok(
          (await readPayload(storage.fragments, STREAM, i)).equals(payloadBytes(i, 700)),
          `payload ${i}`,
        );
      }
      assert.equal(statSync(file).size, size, 'the segment was not cut');
      const qdir = join(tmp.dir, 'streams', STREAM, 'quarantine');
      const kept = readdirSync(qdir);
      assert.equal(kept.length, 1);
      const bad = readFileSync(join(qdir, kept[0]!));
      const good = recordBytes(5, 700, hid);
      assert.equal(bad.length, good.length, 'exactly the damaged record was set aside');
      assert.equal(storage.fragments.lastFragmentNumber(STREAM), fn(10));
      await appendRange(storage.fragments, STREAM, hid, 11, 12, 700);
    } finally {
      await storage.close();
    }
    // Reopening again (index intact now) keeps everything, quarantines nothing new.
    storage = await open(tmp.dir, 1 << 20);
    try {
      assert.equal(storage.fragments.listByTimestamp(STREAM, 'SERVER', 0, 1e12, 100).length, 11);
      assert.equal(readdirSync(join(tmp.dir, 'streams', STREAM, 'quarantine')).length, 1);
    } finally {
      await storage.close();
    }
  } finally {
    tmp.remove();
  }
});

test('a torn tail is still cut off, without a quarantine copy', async () => {
  const tmp = tempDir();
  try {
    let storage = await open(tmp.dir, 1 << 20);
    const hid = await storage.fragments.putHeader(STREAM, header('a'));
    await appendRange(storage.fragments, STREAM, hid, 1, 3, 700);
    await storage.close();
    const file = lastSegment(tmp.dir);
    const good = statSync(file).size;
    const fd = openSync(file, 'a');
    writeSync(fd, recordBytes(4, 700, hid).subarray(0, 500));
    closeSync(fd);
    storage = await open(tmp.dir, 1 << 20);
    await storage.close();
    assert.equal(statSync(file).size, good);
    assert.equal(existsSync(join(tmp.dir, 'streams', STREAM, 'quarantine')), false);
  } finally {
    tmp.remove();
  }
});
