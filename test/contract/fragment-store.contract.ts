/**
 * The FragmentStore contract suite (design.md §8): every backend runs it through a factory;
 * capability flags skip what legitimately differs (persistence). Checks behaviour through the
 * public interface only.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, describe, test } from 'node:test';
import type { FragmentStore, TimestampCursor } from '../../src/storage/index.js';
import { appendRange, fn, header, input, payloadBytes, readPayload, slicesOf } from './fragment-fixtures.js';

export interface FragmentStoreHarness {
  store: FragmentStore;
  /** Closes the store and opens a new one over the same data; the harness's `store` is updated. */
  reopen(): Promise<FragmentStore>;
  cleanup(): Promise<void>;
}

export function runFragmentStoreContract(name: string, factory: () => Promise<FragmentStoreHarness>): void {
  describe(`FragmentStore contract: ${name}`, () => {
    let h: FragmentStoreHarness;
    let seq = 0;
    /** A fresh stream per test keeps the tests independent inside one store. */
    const stream = (): string => `stream-${++seq}`;
    before(async () => {
      h = await factory();
    });
    after(async () => {
      await h.cleanup();
    });

    test('append then get returns the stored metadata', async () => {
      const s = stream();
      const hid = await h.store.putHeader(s, header('a'));
      const meta = await h.store.appendFragment(s, hid, input(1), slicesOf(payloadBytes(1, 500)));
      assert.deepEqual(meta, { ...input(1), size: 500, headerId: hid });
      assert.deepEqual(h.store.getFragment(s, fn(1)), meta);
      assert.equal(h.store.getFragment(s, fn(2)), undefined);
      assert.equal(h.store.getFragment('no-such-stream', fn(1)), undefined);
      assert.equal(h.store.lastFragmentNumber(s), fn(1));
    });

    test('fragment numbers must strictly increase', async () => {
      const s = stream();
      const hid = await h.store.putHeader(s, header('a'));
      await appendRange(h.store, s, hid, 5, 5);
      await assert.rejects(h.store.appendFragment(s, hid, input(5), [Buffer.alloc(1)]));
      await assert.rejects(h.store.appendFragment(s, hid, input(4), [Buffer.alloc(1)]));
      // Two concurrent appends of one number: exactly one wins.
      const results = await Promise.allSettled([
        h.store.appendFragment(s, hid, input(6), [Buffer.alloc(3)]),
        h.store.appendFragment(s, hid, input(6), [Buffer.alloc(3)]),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      assert.equal(h.store.lastFragmentNumber(s), fn(6));
      await assert.rejects(h.store.appendFragment(s, 9999, input(7), [Buffer.alloc(1)]), /header/i);
      await assert.rejects(h.store.appendFragment('../escape', hid, input(8), [Buffer.alloc(1)]));
    });

    test('fragmentAfter, earliest and latest', async () => {
      const s = stream();
      assert.equal(h.store.earliest(s), undefined);
      assert.equal(h.store.latest(s), undefined);
      const hid = await h.store.putHeader(s, header('a'));
      for (const i of [10, 20, 30]) await appendRange(h.store, s, hid, i, i);
      assert.equal(h.store.earliest(s)?.fragmentNumber, fn(10));
      assert.equal(h.store.latest(s)?.fragmentNumber, fn(30));
      assert.equal(h.store.fragmentAfter(s, fn(10))?.fragmentNumber, fn(20));
      assert.equal(h.store.fragmentAfter(s, fn(15))?.fragmentNumber, fn(20));
      assert.equal(h.store.fragmentAfter(s, fn(30)), undefined);
      // Numbers of any width compare numerically, as the API allows 1–128 digits.
      assert.equal(h.store.fragmentAfter(s, '1')?.fragmentNumber, fn(10));
      assert.equal(h.store.fragmentAfter(s, '9'.repeat(60)), undefined);
    });

    test('findByTimestamp: inside, gap, before first, after last, both clocks', async () => {
      const s = stream();
      const hid = await h.store.putHeader(s, header('a'));
      // Producer starts: 1000 (+1000), 2000 (+500), 4000 (+1000); server times are +50 ms.
      const starts = [
        [1, 1000, 1000],
        [2, 2000, 500],
        [3, 4000, 1000],
      ] as const;
      for (const [i, t, d] of starts) {
        await appendRange(h.store, s, hid, i, i, 100, () => ({
          producerTimestampMs: t,
          serverTimestampMs: t + 50,
          durationMs: d,
        }));
      }
      const at = (t: number, clock: 'PRODUCER' | 'SERVER' = 'PRODUCER'): string | undefined =>
        h.store.findByTimestamp(s, clock, t)?.fragmentNumber;
      assert.equal(at(1500), fn(1));
      assert.equal(at(2000), fn(2), 'a start is inside its own fragment');
      assert.equal(at(1999.5), fn(1));
      assert.equal(at(2600), fn(3), 'in a gap: the next fragment');
      assert.equal(at(0), fn(1), 'before the first');
      assert.equal(at(4999), fn(3));
      assert.equal(at(5000), undefined, 'after the last');
      assert.equal(at(2049, 'SERVER'), fn(1));
      assert.equal(at(2050, 'SERVER'), fn(2));
    });

    test('non-monotonic producer timestamps are indexed by time', async () => {
      const s = stream();
      const hid = await h.store.putHeader(s, header('a'));
      const pts = { 1: 1000, 2: 3000, 3: 2000 } as Record<number, number>;
      await appendRange(h.store, s, hid, 1, 3, 100, (i) => ({
        producerTimestampMs: pts[i],
        durationMs: 500,
      }));
      assert.equal(h.store.findByTimestamp(s, 'PRODUCER', 2100)?.fragmentNumber, fn(3));
      assert.equal(h.store.findByTimestamp(s, 'PRODUCER', 2600)?.fragmentNumber, fn(2));
      const listed = h.store.listByTimestamp(s, 'PRODUCER', 0, 10_000, 10).map((m) => m.fragmentNumber);
      assert.deepEqual(listed, [fn(1), fn(3), fn(2)]);
    });

    test('listByTimestamp: inclusive range, ties by number, pagination cursor', async () => {
      const s = stream();
      const hid = await h.store.putHeader(s, header('a'));
      // Ten fragments, two per timestamp: 1000,1000,2000,2000,...
      await appendRange(h.store, s, hid, 1, 10, 50, (i) => ({
        producerTimestampMs: Math.ceil(i / 2) * 1000,
      }));
      const inRange = h.store.listByTimestamp(s, 'PRODUCER', 2000, 4000, 100).map((m) => m.fragmentNumber);
      assert.deepEqual(inRange, [3, 4, 5, 6, 7, 8].map(fn));
      const pages: string[][] = [];
      let cursor: TimestampCursor | undefined;
      for (;;) {
        const page = h.store.listByTimestamp(s, 'PRODUCER', 0, 10_000, 3, cursor);
        if (page.length === 0) break;
        pages.push(page.map((m) => m.fragmentNumber));
        const last = page.at(-1)!;
        cursor = { timestampMs: last.producerTimestampMs, fragmentNumber: last.fragmentNumber };
      }
      assert.deepEqual(
        pages.map((p) => p.length),
        [3, 3, 3, 1],
      );
      assert.deepEqual(pages.flat(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(fn));
      assert.deepEqual(
        h.store.listByTimestamp(s, 'SERVER', 3000, 3000, 5).map((m) => m.fragmentNumber),
        [fn(3)],
      );
      assert.deepEqual(h.store.listByTimestamp(s, 'PRODUCER', 0, 10_000, 0), []);
    });

    test('openPayload streams the exact bytes of multi-slice payloads', async () => {
      const s = stream();
      const hid = await h.store.putHeader(s, header('a'));
      const sizes = { 1: 0, 2: 1, 3: 3000, 4: 300_000 } as Record<number, number>;
      for (let i = 1; i <= 4; i++) {
        const slices = slicesOf(payloadBytes(i, sizes[i] as number));
        await h.store.appendFragment(s, hid, input(i), slices);
        for (const slice of slices) slice.fill(0); // the caller may reuse its buffers afterwards
      }
      for (let i = 1; i <= 4; i++) {
        assert.ok(
          (await readPayload(h.store, s, i)).equals(payloadBytes(i, sizes[i] as number)),
          `fragment ${i}`,
        );
      }
      const pieces: number[] = [];
      for await (const piece of h.store.openPayload(s, h.store.getFragment(s, fn(4))!))
        pieces.push(piece.length);
      assert.ok(pieces.length > 1, 'large payloads arrive in bounded pieces');
    });

    test('putHeader deduplicates identical headers per stream', async () => {
      const s = stream();
      const a = await h.store.putHeader(s, header('a'));
      const [b, a2] = await Promise.all([
        h.store.putHeader(s, header('b')),
        h.store.putHeader(s, header('a')),
      ]);
      assert.equal(a2, a);
      assert.notEqual(b, a);
      assert.deepEqual(
        Buffer.from(h.store.getHeader(s, b)!.segmentHeader),
        Buffer.from(header('b').segmentHeader),
      );
      assert.deepEqual(Buffer.from(h.store.getHeader(s, a)!.ebmlHeader), Buffer.from(header('a').ebmlHeader));
      assert.equal(h.store.getHeader(s, 12345), undefined);
      assert.equal(h.store.getHeader(stream(), a), undefined);
    });

    test('waitForAppend resolves on append, rejects on abort, leaves no listener', async () => {
      const s = stream();
      const hid = await h.store.putHeader(s, header('a'));
      const ac = new AbortController();
      const waiting = h.store.waitForAppend(s, undefined, ac.signal);
      await appendRange(h.store, s, hid, 1, 1);
      await waiting;
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
      // Already satisfied: resolves at once.
      await h.store.waitForAppend(s, '1', ac.signal);
      // Waiting after the latest: an append of a later number wakes it.
      let woke = false;
      const later = h.store.waitForAppend(s, fn(1), ac.signal).then(() => (woke = true));
      await new Promise((r) => setImmediate(r));
      assert.equal(woke, false);
      await appendRange(h.store, s, hid, 2, 2);
      await later;
      const abort = new AbortController();
      const pending = h.store.waitForAppend(s, fn(2), abort.signal);
      const reason = new Error('client went away');
      abort.abort(reason);
      await assert.rejects(pending, (err) => err === reason);
      assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
      await assert.rejects(h.store.waitForAppend(s, fn(2), abort.signal), (err) => err === reason);
    });

    test('applyRetention removes old fragments and keeps every newer one', async () => {
      const s = stream();
      const hid = await h.store.putHeader(s, header('a'));
      await appendRange(h.store, s, hid, 1, 20, 1500);
      const stored = h.store.storedBytes(s);
      assert.ok(stored >= 20 * 1500, `storedBytes ${stored} counts every payload byte`);
      await h.store.applyRetention(s, 12_500);
      assert.ok(h.store.storedBytes(s) < stored, 'storedBytes shrinks with retention');
      const earliest = h.store.earliest(s)!;
      assert.ok(earliest.serverTimestampMs > 1000 && earliest.serverTimestampMs <= 13_000, 'old data went');
      for (let i = 13; i <= 20; i++)
        assert.ok((await readPayload(h.store, s, i)).equals(payloadBytes(i, 1500)));
      assert.equal(h.store.findByTimestamp(s, 'SERVER', 0)?.fragmentNumber, earliest.fragmentNumber);
      await h.store.applyRetention(s, 1e12);
      assert.equal(h.store.earliest(s), undefined);
      assert.equal(h.store.latest(s), undefined);
      assert.deepEqual(h.store.listByTimestamp(s, 'SERVER', 0, 1e12, 100), []);
      assert.equal(h.store.lastFragmentNumber(s), fn(20), 'the counter survives retention');
      await appendRange(h.store, s, hid, 21, 21, 1500);
      assert.ok((await readPayload(h.store, s, 21)).equals(payloadBytes(21, 1500)));
    });

    test('dropStream removes fragments and headers of that stream only', async () => {
      const [s, other] = [stream(), stream()];
      for (const x of [s, other])
        await appendRange(h.store, x, await h.store.putHeader(x, header('a')), 1, 3);
      await h.store.dropStream(s);
      assert.equal(h.store.getFragment(s, fn(1)), undefined);
      assert.equal(h.store.latest(s), undefined);
      assert.equal(h.store.getHeader(s, 1), undefined);
      assert.equal(h.store.lastFragmentNumber(s), undefined);
      assert.equal(h.store.storedBytes(s), 0);
      assert.ok(h.store.storedBytes(other) >= 3 * 700);
      assert.ok((await readPayload(h.store, other, 2)).equals(payloadBytes(2, 700)));
    });

    test('non-durable appends are stored too', async () => {
      const s = stream();
      const hid = await h.store.putHeader(s, header('a'));
      await Promise.all(
        [1, 2, 3].map((i) =>
          h.store.appendFragment(s, hid, input(i), slicesOf(payloadBytes(i, 900)), { durable: false }),
        ),
      );
      for (const i of [1, 2, 3]) assert.ok((await readPayload(h.store, s, i)).equals(payloadBytes(i, 900)));
    });

    test('data survives close and reopen', async (t) => {
      if (!h.store.capabilities.persistent) return t.skip('backend is not persistent');
      const s = stream();
      const a = await h.store.putHeader(s, header('a'));
      const b = await h.store.putHeader(s, header('b'));
      await appendRange(h.store, s, a, 1, 5, 2000);
      await appendRange(h.store, s, b, 6, 8, 2000, (i) => ({ producerTimestampMs: 100_000 - i }));
      const before = h.store.listByTimestamp(s, 'PRODUCER', 0, 1e9, 100);
      const store = await h.reopen();
      assert.equal(store.lastFragmentNumber(s), fn(8));
      assert.deepEqual(store.listByTimestamp(s, 'PRODUCER', 0, 1e9, 100), before);
      assert.equal(store.findByTimestamp(s, 'PRODUCER', 99_993)?.fragmentNumber, fn(7));
      for (let i = 1; i <= 8; i++) assert.ok((await readPayload(store, s, i)).equals(payloadBytes(i, 2000)));
      assert.deepEqual(
        Buffer.from(store.getHeader(s, b)!.segmentHeader),
        Buffer.from(header('b').segmentHeader),
      );
      assert.equal(await store.putHeader(s, header('a')), a, 'dedupe survives restart');
      const c = await store.putHeader(s, header('c'));
      assert.ok(c > b, 'header ids are never reused');
      await assert.rejects(store.appendFragment(s, a, input(8), [Buffer.alloc(1)]));
      await appendRange(store, s, c, 9, 9);
      assert.equal(store.latest(s)?.headerId, c);
    });
  });
}
