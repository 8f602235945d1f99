/**
 * Assembles the cluster backend: one pg pool for writes, the schema migrated, the object store,
 * the synchronous read bridge, and the two stores on top. Loaded lazily by storage/index.ts so the
 * embedded default never loads pg or the S3 client. Must not know about HTTP.
 */
import pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { FragmentStore, StreamMetaStore } from '../types.js';
import type { ClusterConfig } from './config.js';
import { ObjectStore } from './object-store.js';
import { PgFragmentStore } from './pg-fragment-store.js';
import { PgStreamMetaStore } from './pg-stream-meta-store.js';
import { migrate } from './schema.js';
import { SyncBridge } from './sync-bridge.js';

export interface ClusterStorage {
  meta: StreamMetaStore;
  fragments: FragmentStore;
  close(): Promise<void>;
}

export async function openCluster(config: ClusterConfig, logger: Logger): Promise<ClusterStorage> {
  const pool = new pg.Pool({ connectionString: config.postgresUrl, max: 16 });
  // An idle client the server dropped: logged, and the pool connects a new one on demand.
  pool.on('error', (err) => logger.warn({ err }, 'PostgreSQL connection lost'));
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const objects = new ObjectStore(config.objectStore);
  const reads = new SyncBridge(config.postgresUrl, config.objectStore);
  const fragments = new PgFragmentStore({ pool, reads, objects });
  await fragments.open();
  return {
    meta: new PgStreamMetaStore(pool, reads),
    fragments,
    async close() {
      await fragments.close();
      reads.close();
      objects.destroy();
      await pool.end();
    },
  };
}
