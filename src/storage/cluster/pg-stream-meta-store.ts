/**
 * StreamMetaStore in PostgreSQL (table kv_streams, schema.ts): one row per stream name with the
 * whole record as jsonb. Every write is one statement in its own transaction, resolved after
 * COMMIT (durable under PostgreSQL's default synchronous_commit); the name is the primary key,
 * so of two racing creates — on one node or on two — exactly one succeeds, as in the embedded
 * backend. Reads are synchronous through the SyncBridge and see every committed write, from any
 * node. Must not know about fragments.
 */
import type { Pool } from 'pg';
import { resourceInUse } from '../../core/errors.js';
import type { StreamMetaStore, StreamRecord } from '../types.js';
import type { SyncBridge } from './sync-bridge.js';

const UNIQUE_VIOLATION = '23505';

export class PgStreamMetaStore implements StreamMetaStore {
  readonly #pool: Pool;
  readonly #reads: SyncBridge;

  constructor(pool: Pool, reads: SyncBridge) {
    this.#pool = pool;
    this.#reads = reads;
  }

  getByName(streamName: string): StreamRecord | undefined {
    const rows = this.#reads.query<{ record: StreamRecord }>(
      'SELECT record FROM kv_streams WHERE stream_name = $1',
      [streamName],
    );
    return rows[0]?.record;
  }

  list(): StreamRecord[] {
    return this.#reads
      .query<{ record: StreamRecord }>('SELECT record FROM kv_streams ORDER BY stream_name', [])
      .map((r) => r.record);
  }

  async create(record: StreamRecord): Promise<void> {
    try {
      await this.#pool.query('INSERT INTO kv_streams (stream_name, stream_id, record) VALUES ($1, $2, $3)', [
        record.streamName,
        record.streamId,
        JSON.stringify(record),
      ]);
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) {
        throw resourceInUse(`The stream ${record.streamName} already exists`);
      }
      throw err;
    }
  }

  async update(record: StreamRecord): Promise<void> {
    // An upsert, as the embedded backend's put is.
    await this.#pool.query(
      `INSERT INTO kv_streams (stream_name, stream_id, record) VALUES ($1, $2, $3)
       ON CONFLICT (stream_name) DO UPDATE SET stream_id = EXCLUDED.stream_id, record = EXCLUDED.record`,
      [record.streamName, record.streamId, JSON.stringify(record)],
    );
  }

  async remove(streamName: string): Promise<void> {
    await this.#pool.query('DELETE FROM kv_streams WHERE stream_name = $1', [streamName]);
  }
}
