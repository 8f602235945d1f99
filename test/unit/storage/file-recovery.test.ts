/**
 * Recovery of the file backend (design.md §9): segments are the source of truth, the LMDB index
 * is reconciled with them on open. Each test damages a closed store the way a crash, a lost
 * file or an operator could, then reopens it.
 */
import assert from 'node:assert/strict';
import {
  copyFileSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Storage } from '../../../src/storage/index.js';
import { decodePrefix, RecordType } from '../../../src/storage/file/record.js';
import { appendRange, fn, header, payloadBytes, readPayload } from '../../contract/fragment-fixtures.js';
import { tempDir } from '../../contract/temp-dir.js';
import { STREAM, appendRawRecord, lastSegment, open, recordBytes, segmentFiles } from './file-helpers.js';

async function assertFragments(
  storage: Storage,
  numbers: number[],
  size: number,
  streamId = STREAM,
): Promise<void> {
  const listed = storage.fragments
    .listByTimestamp(streamId, 'PRODUCER', 0, 1e12, 1000)
    .map((m) => m.fragmentNumber);
  assert.deepEqual(listed, numbers.map(fn));
  for (const i of numbers) {
    assert.ok(
      (await readPayload(storage.fragments, streamId, i)).equals(payloadBytes(i, size)),
      `payload ${i}`,
    );
  }
}

describe('file backend recovery', () => {
  let tmp: ReturnType<typeof tempDir>;
  let storage: Storage | undefined;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
    tmp.remove();
  });

  async function seed(count: number, size = 700, segmentBytes?: number): Promise<number> {
    const s = await open(tmp.dir, segmentBytes);
    const hid = await s.fragments.putHeader(STREAM, header('a'));
    await appendRange(s.fragments, STREAM, hid, 1, count, size);
    await s.close();
    return hid;
  }

  test('a torn, unindexed tail record is cut off and appends continue', async () => {
    const hid = await seed(9);
    const file = lastSegment(tmp.dir);
    const good = statSync(file).size;
    const torn = recordBytes(10, 700, hid).subarray(0, 333);
    writeFileSync(file, torn, { flag: 'a' });
    storage = await open(tmp.dir);
    assert.equal(statSync(file).size, good, 'torn bytes truncated');
    await assertFragments(storage, [1, 2, 3, 4, 5, 6, 7, 8, 9], 700);
    await appendRange(storage.fragments, STREAM, hid, 10, 10);
    await storage.close();
    storage = await open(tmp.dir);
    await assertFragments(storage, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 700);
  });

  test('a record with a bad checksum at the tail is cut off', async () => {
    const hid = await seed(5);
    const file = lastSegment(tmp.dir);
    const good = statSync(file).size;
    const bytes = recordBytes(6, 700, hid);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    writeFileSync(file, bytes, { flag: 'a' });
    storage = await open(tmp.dir);
    assert.equal(statSync(file).size, good);
    await assertFragments(storage, [1, 2, 3, 4, 5], 700);
  });

  test('index entries whose bytes were lost are dropped', async () => {
    await seed(6);
    const file = lastSegment(tmp.dir);
    truncateSync(file, statSync(file).size - 100); // the last indexed record is now incomplete
    storage = await open(tmp.dir);
    await assertFragments(storage, [1, 2, 3, 4, 5], 700);
    assert.equal(storage.fragments.lastFragmentNumber(STREAM), fn(6), 'a number once issued is not reused');
    await assert.rejects(storage.fragments.appendFragment(STREAM, 1, { ...inputOf(6) }, [Buffer.alloc(1)]));
    await appendRange(storage.fragments, STREAM, 1, 7, 7);
    await storage.close();
    storage = await open(tmp.dir);
    await assertFragments(storage, [1, 2, 3, 4, 5, 7], 700);
  });

  test('records written but not indexed are indexed on open', async () => {
    const hid = await seed(3);
    const file = lastSegment(tmp.dir);
    appendRawRecord(file, 4, 700, hid);
    appendRawRecord(file, 5, 700, hid);
    storage = await open(tmp.dir);
    await assertFragments(storage, [1, 2, 3, 4, 5], 700);
    assert.equal(storage.fragments.lastFragmentNumber(STREAM), fn(5));
  });

  test('an older copy of meta.lmdb catches up from the segments', async () => {
    await seed(5, 1500, 4096);
    copyFileSync(join(tmp.dir, 'meta.lmdb'), join(tmp.dir, 'old.lmdb'));
    storage = await open(tmp.dir, 4096);
    const b = await storage.fragments.putHeader(STREAM, header('b'));
    await appendRange(storage.fragments, STREAM, b, 6, 14, 1500);
    await storage.close();
    rmSync(join(tmp.dir, 'meta.lmdb-lock'), { force: true });
    renameSync(join(tmp.dir, 'old.lmdb'), join(tmp.dir, 'meta.lmdb'));
    storage = await open(tmp.dir, 4096);
    await assertFragments(storage, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], 1500);
    assert.equal(storage.fragments.latest(STREAM)?.headerId, b);
    assert.deepEqual(
      Buffer.from(storage.fragments.getHeader(STREAM, b)!.ebmlHeader),
      Buffer.from(header('b').ebmlHeader),
    );
    await appendRange(storage.fragments, STREAM, b, 15, 15, 1500);
  });

  test('a deleted meta.lmdb is rebuilt from the segments alone', async () => {
    storage = await open(tmp.dir, 4096);
    const a = await storage.fragments.putHeader(STREAM, header('a'));
    await appendRange(storage.fragments, STREAM, a, 1, 10, 1500);
    const b = await storage.fragments.putHeader(STREAM, header('b'));
    await appendRange(storage.fragments, STREAM, b, 11, 20, 1500, (i) => ({
      producerTimestampMs: 100_000 - i,
    }));
    await storage.fragments.applyRetention(STREAM, 6500); // the segments holding the first headers go
    const before = storage.fragments.listByTimestamp(STREAM, 'SERVER', 0, 1e12, 100);
    await storage.close();
    rmSync(join(tmp.dir, 'meta.lmdb'));
    rmSync(join(tmp.dir, 'meta.lmdb-lock'), { force: true });
    storage = await open(tmp.dir, 4096);
    assert.deepEqual(storage.fragments.listByTimestamp(STREAM, 'SERVER', 0, 1e12, 100), before);
    for (const meta of before) {
      const i = Number(meta.fragmentNumber.slice(-3));
      assert.ok((await readPayload(storage.fragments, STREAM, i)).equals(payloadBytes(i, 1500)));
      assert.ok(storage.fragments.getHeader(STREAM, meta.headerId), 'every segment carries its headers');
    }
    assert.equal(storage.fragments.findByTimestamp(STREAM, 'PRODUCER', 99_985)?.fragmentNumber, fn(15));
    assert.equal(storage.fragments.lastFragmentNumber(STREAM), fn(20));
    const c = await storage.fragments.putHeader(STREAM, header('c'));
    assert.ok(c > b, 'header ids continue after the largest one found');
  });

  test('segments roll at segmentBytes, each self-contained', async () => {
    storage = await open(tmp.dir, 4096);
    const a = await storage.fragments.putHeader(STREAM, header('a'));
    await appendRange(storage.fragments, STREAM, a, 1, 8, 1500);
    await appendRange(storage.fragments, STREAM, a, 9, 9, 10_000); // larger than a segment: alone
    const files = segmentFiles(tmp.dir);
    assert.ok(files.length >= 4, `${files.length} segments`);
    let expectedBase = 0;
    for (const file of files) {
      const name = file.split('/').at(-1)!;
      assert.match(name, /^\d{16}\.seg$/);
      assert.equal(Number(name.slice(0, 16)), expectedBase, 'base = previous base + previous size');
      expectedBase += statSync(file).size;
      const first = decodePrefix(readFileSync(file).subarray(0, 24));
      assert.equal(first?.type, RecordType.Header, 'every segment starts with its header record');
      assert.ok(statSync(file).size <= 4096 || file === files.at(-1));
    }
    for (let i = 1; i <= 9; i++) {
      const size = i === 9 ? 10_000 : 1500;
      assert.ok(
        (await readPayload(storage.fragments, STREAM, i)).equals(payloadBytes(i, size)),
        `payload ${i}`,
      );
    }
  });

  test('an interrupted retention or drop is finished on open', async () => {
    storage = await open(tmp.dir, 4096);
    const a = await storage.fragments.putHeader(STREAM, header('a'));
    await appendRange(storage.fragments, STREAM, a, 1, 10, 1500);
    const gone = await storage.fragments.putHeader('gone', header('a'));
    await appendRange(storage.fragments, 'gone', gone, 1, 3, 100);
    await storage.close();
    const first = segmentFiles(tmp.dir)[0]!;
    rmSync(first); // retention unlinked the file, then crashed before updating the index
    renameSync(join(tmp.dir, 'streams', 'gone'), join(tmp.dir, 'streams', 'gone.dropped-1234'));
    storage = await open(tmp.dir, 4096);
    const earliest = Number(storage.fragments.earliest(STREAM)!.fragmentNumber.slice(-3));
    assert.ok(earliest > 1);
    const expected = Array.from({ length: 11 - earliest }, (_, k) => earliest + k);
    await assertFragments(storage, expected, 1500);
    assert.equal(storage.fragments.latest('gone'), undefined);
    assert.equal(storage.fragments.lastFragmentNumber('gone'), undefined);
    assert.deepEqual(segmentFiles(tmp.dir).length > 0, true);
  });

  test('concurrent durable appends share fdatasync calls (group commit)', async () => {
    storage = await open(tmp.dir);
    const a = await storage.fragments.putHeader(STREAM, header('a'));
    const store = storage.fragments as unknown as { stats: { syncs: number } };
    const before = store.stats.syncs;
    await Promise.all(
      Array.from({ length: 50 }, (_, k) =>
        storage!.fragments.appendFragment(STREAM, a, inputOf(k + 1), [payloadBytes(k + 1, 700)]),
      ),
    );
    const syncs = store.stats.syncs - before;
    assert.ok(syncs < 50 && syncs >= 1, `${syncs} syncs for 50 appends`);
    await assertFragments(
      storage,
      Array.from({ length: 50 }, (_, k) => k + 1),
      700,
    );
  });

  test('stream ids that could leave the data directory are rejected', async () => {
    storage = await open(tmp.dir);
    for (const bad of ['../x', 'a/b', '', '.', 'x'.repeat(129), 'a b']) {
      await assert.rejects(storage.fragments.putHeader(bad, header('a')), TypeError, bad);
      await assert.rejects(storage.fragments.dropStream(bad), TypeError);
    }
  });
});

function inputOf(i: number): import('../../../src/storage/index.js').FragmentInput {
  return {
    fragmentNumber: fn(i),
    producerTimestampMs: i * 1000,
    serverTimestampMs: i * 1000,
    durationMs: 1000,
    startsWithKeyFrame: true,
    clusterTimecode: i * 1000,
  };
}
