/** AppendWaiters: wake-up rules and cleanup after resolve and abort. */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { AppendWaiters } from '../../../src/storage/append-waiters.js';
import { fn } from '../../contract/fragment-fixtures.js';

test('waiters wake only for a later fragment and leave nothing behind', async () => {
  const waiters = new AppendWaiters();
  const signal = new AbortController().signal;
  const woken: string[] = [];
  const a = waiters.wait('s', fn(5), fn(5), signal).then(() => woken.push('a'));
  const b = waiters.wait('s', fn(6), fn(5), signal).then(() => woken.push('b'));
  const c = waiters.wait('s', undefined, undefined, signal).then(() => woken.push('c'));
  assert.equal(waiters.pending('s'), 3);
  waiters.notify('other', fn(9));
  waiters.notify('s', fn(6));
  await Promise.all([a, c]);
  assert.deepEqual(woken.sort(), ['a', 'c']);
  assert.equal(waiters.pending('s'), 1);
  waiters.notify('s', fn(7));
  await b;
  assert.equal(waiters.pending(), 0);
  assert.equal(getEventListeners(signal, 'abort').length, 0);
});

test('aborting many waits on one long-lived signal leaks nothing', async () => {
  const waiters = new AppendWaiters();
  const controllers = Array.from({ length: 100 }, () => new AbortController());
  const waits = controllers.map((ac) => waiters.wait('s', fn(1), fn(1), ac.signal));
  controllers.forEach((ac, k) => ac.abort(new Error(`gone ${k}`)));
  const results = await Promise.allSettled(waits);
  assert.ok(results.every((r, k) => r.status === 'rejected' && (r.reason as Error).message === `gone ${k}`));
  assert.equal(waiters.pending(), 0);
  assert.ok(controllers.every((ac) => getEventListeners(ac.signal, 'abort').length === 0));
});
