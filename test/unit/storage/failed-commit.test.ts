/**
 * A fragment whose index commit failed (full disk: LMDB could not get a page) was answered with
 * ERROR 5001, so it must not reappear after a restart (issue #11: three such fragments came back).
 * The store takes the record back; the LMDB failure is injected by wrapping its transaction.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileFragmentStore, openFileStorage } from '../../../src/storage/index.js';
import { openMetaEnv } from '../../../src/storage/file/lmdb-env.js';
import { fn, header, input, payloadBytes, readPayload } from '../../contract/fragment-fixtures.js';
import { tempDir } from '../../contract/temp-dir.js';
import { STREAM } from './file-helpers.js';

async function scenario(failing: (i: number) => boolean, count: number): Promise<string[]> {
  const tmp = tempDir();
  try {
    const env = openMetaEnv(tmp.dir);
    const transaction = env.root.transaction.bind(env.root);
    let failNow = false;
    env.root.transaction = ((fn: () => unknown) =>
      failNow
        ? Promise.reject(new Error('MDB_MAP_FULL (injected)'))
        : transaction(fn)) as typeof env.root.transaction;
    const store = new FileFragmentStore({ dataDir: tmp.dir, env });
    await store.open();
    const hid = await store.putHeader(STREAM, header('a'));
    const outcomes: Promise<unknown>[] = [];
    for (let i = 1; i <= count; i++) {
      // Each append's commit runs with the failure switched on or off as the case says.
      failNow = failing(i);
      const appended = store.appendFragment(STREAM, hid, input(i), [payloadBytes(i, 700)]);
      outcomes.push(
        appended.then(
          () => 'ok',
          () => 'error',
        ),
      );
      await appended.catch(() => undefined);
    }
    failNow = false;
    const results = (await Promise.all(outcomes)) as string[];
    await store.close();
    await env.root.close();
    const storage = await openFileStorage({ dataDir: tmp.dir });
    try {
      const listed = storage.fragments
        .listByTimestamp(STREAM, 'SERVER', 0, 1e12, 100)
        .map((m) => m.fragmentNumber);
      const expected = results.flatMap((r, k) => (r === 'ok' ? [fn(k + 1)] : []));
      assert.deepEqual(listed, expected, `results ${results.join(',')}`);
      for (let i = 1; i <= count; i++) {
        if (results[i - 1] === 'ok')
          assert.ok((await readPayload(storage.fragments, STREAM, i)).equals(payloadBytes(i, 700)));
      }
      // Appending goes on after the taken-back records.
      const next = storage.fragments.lastFragmentNumber(STREAM);
      assert.ok(next !== undefined);
    } finally {
      await storage.close();
    }
    return results;
  } finally {
    tmp.remove();
  }
}

test('the last appends failed to commit: none of them is back after a restart', async () => {
  const results = await scenario((i) => i >= 4, 6);
  assert.deepEqual(results, ['ok', 'ok', 'ok', 'error', 'error', 'error']);
});

test('a failed commit in the middle: it stays gone, the later ones stay', async () => {
  const results = await scenario((i) => i === 3, 5);
  assert.deepEqual(results, ['ok', 'ok', 'error', 'ok', 'ok']);
});
