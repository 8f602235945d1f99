/**
 * Messages between the cluster stores and their read worker (sync-worker.ts). Plain data only:
 * they cross a worker boundary by structured clone.
 */
import type { ObjectStoreConfig } from './config.js';

export type SyncRequest =
  | { op: 'open'; id: string; postgresUrl: string; objectStore: ObjectStoreConfig }
  | { op: 'query'; id: string; sql: string; params: readonly unknown[] }
  | { op: 'object'; id: string; key: string }
  | { op: 'close'; id: string };

/** Rows for 'query', the object's bytes for 'object', nothing for 'open'/'close'. */
export type SyncResponse = Record<string, unknown>[] | Uint8Array | undefined;
