/**
 * Retention and appends share a stream's write lock (issue #11, "a retention sweep can deadlock a
 * live stream"). A sweep queued between two appends must neither wait for the later append nor
 * make it wait forever, whether or not anything expired, and sweeps running continuously next to
 * high-rate ingest on several streams must let every append settle.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Storage } from '../../../src/storage/index.js';
import { fn, header, input, payloadBytes, readPayload } from '../../contract/fragment-fixtures.js';
import { tempDir } from '../../contract/temp-dir.js';
import { STREAM, open } from './file-helpers.js';

/** Generous: only a deadlock takes this long, even on a loaded machine. */
const SETTLE_MS = 60_000;

async function settlesWithin(what: string, promises: Promise<unknown>[]): Promise<unknown[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle (deadlock)`)), SETTLE_MS);
  });
  try {
    return await Promise.race([Promise.all(promises), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function withStore(body: (storage: Storage) => Promise<void>): Promise<void> {
  const tmp = tempDir();
  const storage = await open(tmp.dir, 16 * 1024);
  // A deadlocked store cannot close either; leave it (and its directory) to the process exit.
  await body(storage);
  await storage.close();
  tmp.remove();
}

test('append, retention with nothing expired, append in one tick all settle', async () => {
  await withStore(async (storage) => {
    const store = storage.fragments;
    const hid = await store.putHeader(STREAM, header('a'));
    const a = store.appendFragment(STREAM, hid, input(1), [payloadBytes(1, 700)]);
    const sweep = store.applyRetention(STREAM, 0);
    const b = store.appendFragment(STREAM, hid, input(2), [payloadBytes(2, 700)]);
    await settlesWithin('append/retention/append', [a, sweep, b]);
    assert.ok((await readPayload(store, STREAM, 2)).equals(payloadBytes(2, 700)));
  });
});

test('append, retention that deletes segments, append in one tick all settle', async () => {
  await withStore(async (storage) => {
    const store = storage.fragments;
    const hid = await store.putHeader(STREAM, header('a'));
    for (let i = 1; i <= 60; i++) await store.appendFragment(STREAM, hid, input(i), [payloadBytes(i, 700)]);
    const a = store.appendFragment(STREAM, hid, input(61), [payloadBytes(61, 700)]);
    const sweep = store.applyRetention(STREAM, 40_500); // fragments 1..40 expired
    const b = store.appendFragment(STREAM, hid, input(62), [payloadBytes(62, 700)]);
    await settlesWithin('append/retention/append', [a, sweep, b]);
    const earliest = Number(store.earliest(STREAM)!.fragmentNumber.slice(-3));
    assert.ok(earliest > 1 && earliest <= 41, `earliest ${earliest}`);
    assert.equal(store.latest(STREAM)?.fragmentNumber, fn(62));
    for (const i of [61, 62]) assert.ok((await readPayload(store, STREAM, i)).equals(payloadBytes(i, 700)));
  });
});

test('continuous sweeps under high-rate ingest on several streams never stall an append', async () => {
  await withStore(async (storage) => {
    const store = storage.fragments;
    const streams = ['s-1', 's-2', 's-3', 's-4'];
    const perStream = 250;
    const now = { ms: 0 };
    let sweeping = true;
    let sweeps = 0;
    // One sweeper, as the server runs it, but back to back instead of every 60 s; the window is
    // the last 50 fragments so every sweep after the first few deletes something.
    const sweeper = (async () => {
      while (sweeping) {
        for (const id of streams) await store.applyRetention(id, now.ms - 50_000);
        sweeps++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const producers = streams.map(async (id) => {
      const hid = await store.putHeader(id, header(id));
      // Many appends in flight at once, as one PutMedia session hands them to the store.
      for (let i = 1; i <= perStream; i += 10) {
        const batch: Promise<unknown>[] = [];
        for (let k = i; k < i + 10; k++) {
          now.ms = Math.max(now.ms, k * 1000);
          batch.push(store.appendFragment(id, hid, input(k), [payloadBytes(k, 900)]));
          if (k % 3 === 0) batch.push(store.applyRetention(id, now.ms - 50_000));
        }
        await settlesWithin(`stream ${id} fragments ${i}..${i + 9}`, batch);
      }
    });
    try {
      await settlesWithin('ingest on every stream', producers);
    } finally {
      sweeping = false;
      await settlesWithin('the sweeper', [sweeper]);
    }
    assert.ok(sweeps > 0);
    for (const id of streams) {
      assert.equal(store.latest(id)?.fragmentNumber, fn(perStream));
      const earliest = Number(store.earliest(id)!.fragmentNumber.slice(-3));
      assert.ok(earliest > 1, `stream ${id}: retention deleted something (earliest ${earliest})`);
      for (let i = earliest; i <= perStream; i++) {
        assert.ok((await readPayload(store, id, i)).equals(payloadBytes(i, 900)), `${id} payload ${i}`);
      }
    }
  });
});
