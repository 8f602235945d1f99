/**
 * Worker thread behind SyncBridge: runs the cluster stores' read queries on its own small pg pool
 * and object reads on its own S3 client, while the main thread waits (synckit). It only reads;
 * writes go through the main thread's pool, so a waiting main thread never holds a lock this
 * worker needs. One entry per open store, keyed by the store's id.
 */
import pg from 'pg';
import { runAsWorker } from 'synckit';
import { ObjectStore } from './object-store.js';
import type { SyncRequest, SyncResponse } from './sync-protocol.js';

interface Entry {
  pool: pg.Pool;
  objects: ObjectStore;
}

const entries = new Map<string, Entry>();

function entry(id: string): Entry {
  const found = entries.get(id);
  if (!found) throw new Error(`cluster read worker: store ${id} is not open`);
  return found;
}

runAsWorker(async (req: SyncRequest): Promise<SyncResponse> => {
  switch (req.op) {
    case 'open': {
      const pool = new pg.Pool({ connectionString: req.postgresUrl, max: 2 });
      pool.on('error', () => undefined); // an idle client dropped by the server; the next query reconnects
      entries.set(req.id, { pool, objects: new ObjectStore(req.objectStore) });
      return undefined;
    }
    case 'query': {
      const result = await entry(req.id).pool.query(req.sql, req.params as unknown[]);
      return result.rows as Record<string, unknown>[];
    }
    case 'object':
      return new Uint8Array(await entry(req.id).objects.get(req.key));
    case 'close': {
      const found = entries.get(req.id);
      entries.delete(req.id);
      if (found) {
        found.objects.destroy();
        await found.pool.end();
      }
      return undefined;
    }
  }
});
