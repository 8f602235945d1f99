/** Runs the FragmentStore contract against the memory backend. */
import { openMemoryStorage } from '../../src/storage/index.js';
import { runFragmentStoreContract } from './fragment-store.contract.js';

runFragmentStoreContract('memory', async () => {
  const storage = await openMemoryStorage();
  return {
    store: storage.fragments,
    reopen: () => Promise.reject(new Error('memory storage does not persist')),
    cleanup: () => storage.close(),
  };
});
