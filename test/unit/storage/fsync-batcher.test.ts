/** Unit tests of the group-commit batcher with a controllable fake sync. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FsyncBatcher } from '../../../src/storage/file/fsync-batcher.js';

function controllableSync(): { sync: () => Promise<void>; finish(error?: Error): void; started: number } {
  const pending: Array<{ resolve(): void; reject(e: Error): void }> = [];
  const state = {
    started: 0,
    sync: () =>
      new Promise<void>((resolve, reject) => {
        state.started++;
        pending.push({ resolve, reject });
      }),
    finish(error?: Error) {
      const next = pending.shift();
      if (error) next?.reject(error);
      else next?.resolve();
    },
  };
  return state;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('requests during a running sync share exactly one follow-up sync', async () => {
  const fake = controllableSync();
  const batcher = new FsyncBatcher(fake.sync);
  const first = batcher.request();
  const joined = [batcher.request(), batcher.request(), batcher.request()];
  assert.equal(fake.started, 1, 'later callers do not ride on a sync that started before them');
  let firstDone = false;
  void first.then(() => (firstDone = true));
  fake.finish();
  await first;
  assert.ok(firstDone);
  await tick();
  assert.equal(fake.started, 2);
  fake.finish();
  await Promise.all(joined);
  assert.equal(batcher.syncCount, 2);
  const alone = batcher.request();
  assert.equal(fake.started, 3, 'an idle batcher syncs at once');
  fake.finish();
  await alone;
});

test('a failed sync rejects its callers only; the next batch still runs', async () => {
  const fake = controllableSync();
  const batcher = new FsyncBatcher(fake.sync);
  const failing = batcher.request();
  const next = batcher.request();
  fake.finish(new Error('EIO'));
  await assert.rejects(failing, /EIO/);
  await tick();
  fake.finish();
  await next;
  assert.equal(fake.started, 2);
});
