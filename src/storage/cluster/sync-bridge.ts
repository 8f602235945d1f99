/**
 * Synchronous reads for the cluster backend. The storage contract's lookups are synchronous
 * (types.ts: the embedded backend answers them from memory-mapped LMDB), while PostgreSQL and S3
 * are only reachable asynchronously; this bridge runs each read in a worker thread and blocks the
 * calling thread until it answers (synckit: Atomics.wait on a shared buffer). A lookup thus costs
 * one round trip to PostgreSQL during which this thread does nothing else — the price of keeping
 * one contract for both backends, measured in docs/architecture.md. Must not know SQL.
 */
import { randomUUID } from 'node:crypto';
import { createSyncFn } from 'synckit';
import type { ObjectStoreConfig } from './config.js';
import type { SyncRequest, SyncResponse } from './sync-protocol.js';

type Call = (req: SyncRequest) => SyncResponse;
let call: Call | undefined;

/** Generous: a read stalls only as long as PostgreSQL does, but never forever. */
const TIMEOUT_MS = 60_000;

function worker(): Call {
  call ??= createSyncFn<(req: SyncRequest) => Promise<SyncResponse>>(
    new URL('./sync-worker.js', import.meta.url).pathname,
    { timeout: TIMEOUT_MS },
  );
  return call;
}

export class SyncBridge {
  readonly #id = randomUUID();
  #open = false;

  constructor(postgresUrl: string, objectStore: ObjectStoreConfig) {
    worker()({ op: 'open', id: this.#id, postgresUrl, objectStore });
    this.#open = true;
  }

  query<T extends object>(sql: string, params: readonly unknown[]): T[] {
    if (!this.#open) throw new Error('The cluster store is closed');
    return worker()({ op: 'query', id: this.#id, sql, params }) as unknown as T[];
  }

  object(key: string): Uint8Array {
    if (!this.#open) throw new Error('The cluster store is closed');
    return worker()({ op: 'object', id: this.#id, key }) as Uint8Array;
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    worker()({ op: 'close', id: this.#id });
  }
}
