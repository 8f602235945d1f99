/**
 * The servers a cluster-mode test needs — PostgreSQL and an S3-compatible object store — started
 * once per test file, or the reason they cannot start (tests then skip with that message).
 */
import { startObjectStore, type ObjectStoreServer } from './object-store.js';
import { startPostgres, type PgServer } from './postgres.js';

export interface ClusterServers {
  postgres: PgServer;
  objects: ObjectStoreServer;
  stop(): Promise<void>;
}

export async function startClusterServers(): Promise<{ servers: ClusterServers } | { reason: string }> {
  const pg = await startPostgres();
  if ('reason' in pg) return { reason: pg.reason };
  let objects: ObjectStoreServer;
  try {
    objects = await startObjectStore();
  } catch (err) {
    await pg.server.stop();
    return { reason: `no S3-compatible object store could start: ${(err as Error).message}` };
  }
  return {
    servers: {
      postgres: pg.server,
      objects,
      async stop() {
        await objects.stop();
        await pg.server.stop();
      },
    },
  };
}
