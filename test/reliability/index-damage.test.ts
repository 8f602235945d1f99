/**
 * A damaged meta.lmdb (issue #11: it could crash start-up with SIGSEGV and an empty log, or
 * start and silently list 38 of 50 fragments). One 4 KiB page at a time is overwritten with
 * zeros or 0xA5 bytes; every time, the store must open, list all 50 fragments, read them
 * bit-exact and keep its stream record: either the index was fine or start-up detected the
 * damage and rebuilt it from the segments and journals. Each open runs in a child process.
 * Every third page by default; KVIDEO_INDEX_DAMAGE_ALL=1 tries every page with both fills.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, fstatSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { openFileStorage } from '../../src/storage/index.js';
import { appendRange, header } from '../contract/fragment-fixtures.js';
import { tempDir } from '../contract/temp-dir.js';

const CHILD = fileURLToPath(new URL('./index-damage-child.js', import.meta.url));
const PAGE = 4096;

test('one damaged page of meta.lmdb never loses or hides a fragment', { timeout: 30 * 60_000 }, async (t) => {
  const seed = tempDir();
  const all = process.env.KVIDEO_INDEX_DAMAGE_ALL === '1';
  try {
    const storage = await openFileStorage({ dataDir: seed.dir });
    await storage.meta.create({
      streamId: 'cam',
      streamName: 'cam',
      streamArn: 'arn:aws:kinesisvideo:us-west-2:000000000000:stream/cam/1700000000000',
      kmsKeyId: 'k',
      version: 'v1',
      status: 'ACTIVE',
      creationTimeMs: 1_700_000_000_000,
      dataRetentionInHours: 1,
      tags: {},
    });
    const hid = await storage.fragments.putHeader('cam', header('a'));
    await appendRange(storage.fragments, 'cam', hid, 1, 50, 700);
    await storage.close();
    const fd = openSync(join(seed.dir, 'meta.lmdb'), 'r');
    const pages = Math.floor(fstatSync(fd).size / PAGE);
    closeSync(fd);
    const outcomes = new Map<string, number>();
    let cases = 0;
    for (let page = 2; page < pages; page += all ? 1 : 3) {
      for (const fill of all ? [0x00, 0xa5] : [page % 2 ? 0xa5 : 0x00]) {
        const dir = tempDir();
        try {
          cpSync(seed.dir, dir.dir, { recursive: true });
          rmSync(join(dir.dir, 'LOCK'), { force: true });
          const f = openSync(join(dir.dir, 'meta.lmdb'), 'r+');
          writeSync(f, Buffer.alloc(PAGE, fill), 0, PAGE, page * PAGE);
          closeSync(f);
          const run = spawnSync(process.execPath, [CHILD, dir.dir], { encoding: 'utf8', timeout: 300_000 });
          const what = `page ${page} filled with 0x${fill.toString(16)}`;
          assert.equal(
            run.status,
            0,
            `${what}: exit ${run.status} ${run.signal ?? ''} ${run.stderr.slice(-500)}`,
          );
          const out = JSON.parse(run.stdout) as {
            listed: number;
            intact: number;
            streams: string[];
            rebuilt: string | null;
          };
          assert.equal(out.listed, 50, what);
          assert.equal(out.intact, 50, what);
          assert.deepEqual(out.streams, ['cam'], what);
          const kind = out.rebuilt === null ? 'index intact' : `rebuilt: ${out.rebuilt.replace(/:.*$/, '')}`;
          outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
          cases++;
        } finally {
          dir.remove();
        }
      }
    }
    t.diagnostic(`${cases} damaged copies: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    assert.ok(cases > 0);
  } finally {
    seed.remove();
  }
});
