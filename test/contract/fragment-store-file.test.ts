/** Runs the FragmentStore contract against the file backend, with tiny segments so rolling and
 * whole-segment retention are exercised. */
import { openFileStorage, type Storage } from '../../src/storage/index.js';
import { runFragmentStoreContract, type FragmentStoreHarness } from './fragment-store.contract.js';
import { tempDir } from './temp-dir.js';

runFragmentStoreContract('file', async () => {
  const tmp = tempDir();
  const open = (): Promise<Storage> => openFileStorage({ dataDir: tmp.dir, segmentBytes: 4096 });
  let storage = await open();
  const harness: FragmentStoreHarness = {
    store: storage.fragments,
    async reopen() {
      await storage.close();
      storage = await open();
      harness.store = storage.fragments;
      return storage.fragments;
    },
    async cleanup() {
      await storage.close();
      tmp.remove();
    },
  };
  return harness;
});
