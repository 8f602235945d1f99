/**
 * Entry point of the storage layer: factories that assemble a ready-to-use pair of stores
 * (stream metadata + fragments) for the memory or the embedded file backend, and the contract
 * types. Callers outside src/storage import from here or from ./types.js only.
 * Must not know about HTTP, Matroska or the control plane.
 */
import { mkdir } from 'node:fs/promises';
import { silentLogger, type Logger } from '../core/logger.js';
import { lockDataDir } from './file/data-dir-lock.js';
import { FileFragmentStore } from './file/file-fragment-store.js';
import { FileStreamMetaStore } from './file/file-stream-meta-store.js';
import { openMetaEnv } from './file/lmdb-env.js';
import { MemoryFragmentStore } from './memory/memory-fragment-store.js';
import { MemoryStreamMetaStore } from './memory/memory-stream-meta-store.js';
import type { FragmentStore, StreamMetaStore } from './types.js';

export type * from './types.js';
export { DEFAULT_SEGMENT_BYTES, FileFragmentStore } from './file/file-fragment-store.js';
export { FileStreamMetaStore } from './file/file-stream-meta-store.js';
export { MemoryFragmentStore } from './memory/memory-fragment-store.js';
export { MemoryStreamMetaStore } from './memory/memory-stream-meta-store.js';

export interface Storage {
  meta: StreamMetaStore;
  fragments: FragmentStore;
  /** Closes the fragment store (final syncs) and then the metadata environment. */
  close(): Promise<void>;
}

export interface FileStorageOptions {
  dataDir: string;
  /** Segment file size before rolling to a new one (default 64 MiB). */
  segmentBytes?: number;
  logger?: Logger;
}

/** Opens (and recovers) the embedded store under `dataDir`: meta.lmdb plus streams/<id>/*.seg. */
export async function openFileStorage(options: FileStorageOptions): Promise<Storage> {
  await mkdir(options.dataDir, { recursive: true });
  const unlock = lockDataDir(options.dataDir);
  let env: ReturnType<typeof openMetaEnv>;
  try {
    env = openMetaEnv(options.dataDir);
  } catch (err) {
    unlock();
    throw err;
  }
  const fragments = new FileFragmentStore({
    dataDir: options.dataDir,
    env,
    segmentBytes: options.segmentBytes,
    logger: options.logger ?? silentLogger,
  });
  try {
    await fragments.open();
  } catch (err) {
    await env.root.close();
    unlock();
    throw err;
  }
  return {
    meta: new FileStreamMetaStore(env),
    fragments,
    async close() {
      await fragments.close();
      await env.root.close();
      unlock();
    },
  };
}

export interface ClusterStorageOptions {
  /** postgres:// URL of the cluster database (`kvideo serve --cluster`). */
  postgresUrl: string;
  /** s3://bucket/prefix?endpoint=…&region=… (`kvideo serve --object-store`). */
  objectStoreUrl: string;
  logger?: Logger;
}

/**
 * Opens the cluster backend (PostgreSQL index and metadata, fragments in S3-compatible object
 * storage; src/storage/cluster). Imported on demand so the embedded default never loads it.
 */
export async function openClusterStorage(options: ClusterStorageOptions): Promise<Storage> {
  const { parseObjectStoreUrl, parsePostgresUrl } = await import('./cluster/config.js');
  const config = {
    postgresUrl: parsePostgresUrl(options.postgresUrl),
    objectStore: parseObjectStoreUrl(options.objectStoreUrl),
  };
  const { openCluster } = await import('./cluster/open.js');
  return openCluster(config, options.logger ?? silentLogger);
}

export async function openMemoryStorage(): Promise<Storage> {
  const fragments = new MemoryFragmentStore();
  await fragments.open();
  return { meta: new MemoryStreamMetaStore(), fragments, close: () => fragments.close() };
}
