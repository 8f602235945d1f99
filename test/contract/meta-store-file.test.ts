/** Runs the StreamMetaStore contract against the LMDB-backed file backend. */
import { openFileStorage, type Storage } from '../../src/storage/index.js';
import { runMetaStoreContract, type MetaStoreHarness } from './meta-store.contract.js';
import { tempDir } from './temp-dir.js';

runMetaStoreContract('file', async () => {
  const tmp = tempDir();
  let storage: Storage = await openFileStorage({ dataDir: tmp.dir });
  const harness: MetaStoreHarness = {
    store: storage.meta,
    persistent: true,
    async reopen() {
      await storage.close();
      storage = await openFileStorage({ dataDir: tmp.dir });
      harness.store = storage.meta;
      return storage.meta;
    },
    async cleanup() {
      await storage.close();
      tmp.remove();
    },
  };
  return harness;
});
