/**
 * Runs the StreamMetaStore and FragmentStore contracts against the cluster backend: PostgreSQL
 * started by the test (initdb + pg_ctl) and an S3-compatible store (radosgw, else s3rver — the
 * output says which). Skips with the reason when either cannot start.
 */
import { after, test } from 'node:test';
import { openClusterStorage, type Storage } from '../../src/storage/index.js';
import { startClusterServers } from '../helpers/cluster.js';
import { runFragmentStoreContract, type FragmentStoreHarness } from './fragment-store.contract.js';
import { runMetaStoreContract, type MetaStoreHarness } from './meta-store.contract.js';

const started = await startClusterServers();

if ('reason' in started) {
  test('cluster backend contracts', (t) => t.skip(started.reason));
} else {
  const { servers } = started;
  console.log(`# cluster backend on PostgreSQL + ${servers.objects.kind}`);
  const open = (prefix: string): Promise<Storage> =>
    openClusterStorage({
      postgresUrl: servers.postgres.url,
      objectStoreUrl: servers.objects.url.replace('/fragments?', `/${prefix}?`),
    });
  after(() => servers.stop());

  runMetaStoreContract(`cluster (PostgreSQL + ${servers.objects.kind})`, async () => {
    let storage = await open('meta');
    const harness: MetaStoreHarness = {
      store: storage.meta,
      persistent: true,
      async reopen() {
        await storage.close();
        storage = await open('meta');
        harness.store = storage.meta;
        return storage.meta;
      },
      cleanup: () => storage.close(),
    };
    return harness;
  });

  runFragmentStoreContract(`cluster (PostgreSQL + ${servers.objects.kind})`, async () => {
    let storage = await open('fragments');
    const harness: FragmentStoreHarness = {
      store: storage.fragments,
      async reopen() {
        await storage.close();
        storage = await open('fragments');
        harness.store = storage.fragments;
        return storage.fragments;
      },
      cleanup: () => storage.close(),
    };
    return harness;
  });
}
