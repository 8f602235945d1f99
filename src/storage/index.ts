/**
 * Entry point of the storage layer: factories that assemble a ready-to-use pair of stores
 * (stream metadata + fragments) for the memory or the embedded file backend, and the contract
 * types. Callers outside src/storage import from here or from ./types.js only.
 * Must not know about HTTP, Matroska or the control plane.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../core/logger.js';
import { lockDataDir } from './file/data-dir-lock.js';
import { FileFragmentStore } from './file/file-fragment-store.js';
import { FileStreamMetaStore } from './file/file-stream-meta-store.js';
import { probeIndex } from './file/index-probe.js';
import { META_FILE, openMetaEnv } from './file/lmdb-env.js';
import { reconcileStreams, type ReconcileReport } from './file/meta-reconcile.js';
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
  /**
   * Set the existing meta.lmdb aside and rebuild the index from the segments and the stream
   * journals (`kvideo serve --rebuild-index`). Done anyway when the index is unreadable.
   */
  rebuildIndex?: boolean;
}

/** What opening found and did, for logs and tests. */
export interface FileStorageReport {
  /** Why the index was rebuilt from the segments, if it was. */
  rebuilt?: string;
  /** Where the previous meta.lmdb was moved, when it was rebuilt. */
  setAside?: string;
  streams: ReconcileReport;
}

/**
 * Opens (and recovers) the embedded store under `dataDir`: meta.lmdb plus streams/<id>/ (segments
 * and the stream's journal). Order: take the directory lock; check that meta.lmdb is readable
 * in a child process (index-probe.ts) and set it aside if not (or if asked to rebuild); open it;
 * restore stream records from the journals; recover fragments from the segments.
 */
export async function openFileStorage(
  options: FileStorageOptions,
): Promise<Storage & { report: FileStorageReport }> {
  const logger = options.logger ?? silentLogger;
  await mkdir(options.dataDir, { recursive: true });
  const unlock = lockDataDir(options.dataDir);
  let env: ReturnType<typeof openMetaEnv>;
  const report: Partial<FileStorageReport> = {};
  try {
    const indexPath = join(options.dataDir, META_FILE);
    let reason = options.rebuildIndex ? 'requested (--rebuild-index)' : undefined;
    if (!reason) {
      const probe = await probeIndex(indexPath);
      if (!probe.readable) reason = `index unreadable: ${probe.reason}`;
    }
    if (reason) {
      report.rebuilt = reason;
      report.setAside = await setIndexAside(options.dataDir);
      logger.warn({ reason, setAside: report.setAside }, 'rebuilding the index from the segments');
    }
    env = openMetaEnv(options.dataDir);
  } catch (err) {
    unlock();
    throw err;
  }
  const streamsDir = join(options.dataDir, 'streams');
  const fragments = new FileFragmentStore({
    dataDir: options.dataDir,
    env,
    segmentBytes: options.segmentBytes,
    logger,
  });
  try {
    report.streams = await reconcileStreams(env, streamsDir, logger);
    await fragments.open();
  } catch (err) {
    await env.root.close();
    unlock();
    throw err;
  }
  if (report.rebuilt) {
    logger.warn(
      { streams: env.streams.getCount(), fragments: env.fragments.getCount() },
      'index rebuilt from the segments',
    );
  }
  return {
    meta: new FileStreamMetaStore(env, streamsDir),
    fragments,
    report: report as FileStorageReport,
    async close() {
      await fragments.close();
      await env.root.close();
      unlock();
    },
  };
}

/** Moves meta.lmdb (and its lock file) out of the way, keeping it for inspection. */
async function setIndexAside(dataDir: string): Promise<string | undefined> {
  const path = join(dataDir, META_FILE);
  const aside = `${path}.set-aside-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rm(`${path}-lock`, { force: true });
  try {
    await rename(path, aside);
    return aside;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
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
