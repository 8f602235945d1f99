/** Runs the StreamMetaStore contract against the memory backend. */
import { openMemoryStorage } from '../../src/storage/index.js';
import { runMetaStoreContract } from './meta-store.contract.js';

runMetaStoreContract('memory', async () => {
  const storage = await openMemoryStorage();
  return {
    store: storage.meta,
    persistent: false,
    reopen: () => Promise.reject(new Error('memory storage does not persist')),
    cleanup: () => storage.close(),
  };
});
