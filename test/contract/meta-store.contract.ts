/**
 * The StreamMetaStore contract suite, run by each backend through a factory; persistence is
 * checked only where the harness says the backend persists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KvsError } from '../../src/core/errors.js';
import type { StreamMetaStore, StreamRecord } from '../../src/storage/index.js';

export interface MetaStoreHarness {
  store: StreamMetaStore;
  persistent: boolean;
  /** Closes and reopens over the same data; the harness's `store` is updated. */
  reopen(): Promise<StreamMetaStore>;
  cleanup(): Promise<void>;
}

export function record(name: string, overrides: Partial<StreamRecord> = {}): StreamRecord {
  return {
    streamId: `id-${name}`,
    streamName: name,
    streamArn: `arn:aws:kinesisvideo:us-east-1:123456789012:stream/${name}/1700000000000`,
    kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo',
    version: 'v1',
    status: 'CREATING',
    creationTimeMs: 1_700_000_000_000,
    dataRetentionInHours: 24,
    tags: { team: 'video' },
    ...overrides,
  };
}

export function runMetaStoreContract(name: string, factory: () => Promise<MetaStoreHarness>): void {
  describe(`StreamMetaStore contract: ${name}`, () => {
    let h: MetaStoreHarness;
    before(async () => {
      h = await factory();
    });
    after(async () => {
      await h.cleanup();
    });

    test('create then getByName', async () => {
      await h.store.create(record('alpha', { deviceName: 'cam', mediaType: 'video/h264' }));
      assert.deepEqual(
        h.store.getByName('alpha'),
        record('alpha', { deviceName: 'cam', mediaType: 'video/h264' }),
      );
      assert.equal(h.store.getByName('missing'), undefined);
    });

    test('create of an existing name rejects with ResourceInUseException', async () => {
      await h.store.create(record('dup'));
      await assert.rejects(h.store.create(record('dup', { streamId: 'other' })), (err: unknown) => {
        assert.ok(err instanceof KvsError);
        assert.equal(err.code, 'ResourceInUseException');
        assert.equal(err.status, 400);
        assert.equal(err.message, 'The stream dup already exists');
        return true;
      });
      assert.equal(h.store.getByName('dup')?.streamId, 'id-dup');
    });

    test('concurrent creates of one name: exactly one wins', async () => {
      const results = await Promise.allSettled(
        [1, 2, 3, 4].map((i) => h.store.create(record('race', { streamId: `race-${i}` }))),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
      assert.equal(h.store.getByName('race')?.streamId, `race-${winner}`);
    });

    test('list is sorted by name', async () => {
      for (const n of ['zeta', 'Beta', 'beta-2', 'a.b_c']) await h.store.create(record(n));
      const names = h.store.list().map((r) => r.streamName);
      assert.deepEqual(
        names,
        [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      );
      assert.ok(names.includes('zeta') && names.includes('Beta'));
    });

    test('update and remove', async () => {
      await h.store.create(record('upd'));
      await h.store.update(record('upd', { status: 'ACTIVE', version: 'v2', tags: {} }));
      assert.equal(h.store.getByName('upd')?.status, 'ACTIVE');
      assert.deepEqual(h.store.getByName('upd')?.tags, {});
      await h.store.remove('upd');
      assert.equal(h.store.getByName('upd'), undefined);
      assert.ok(!h.store.list().some((r) => r.streamName === 'upd'));
      await h.store.remove('upd');
      await h.store.create(record('upd'));
      assert.equal(h.store.getByName('upd')?.status, 'CREATING');
    });

    test('returned records are copies', async () => {
      await h.store.create(record('copy'));
      const got = h.store.getByName('copy')!;
      got.tags.evil = 'yes';
      got.status = 'DELETING';
      assert.deepEqual(h.store.getByName('copy'), record('copy'));
    });

    test('records survive close and reopen', async (t) => {
      if (!h.persistent) return t.skip('backend is not persistent');
      await h.store.create(record('durable', { status: 'ACTIVE' }));
      const before = h.store.list();
      const store = await h.reopen();
      assert.deepEqual(store.list(), before);
      assert.equal(store.getByName('durable')?.status, 'ACTIVE');
      await assert.rejects(store.create(record('durable')), /already exists/);
    });
  });
}
