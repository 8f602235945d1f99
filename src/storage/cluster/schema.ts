/**
 * The PostgreSQL schema of the cluster backend and the migrations that bring a database to it.
 * Every node runs `migrate` on start; a transaction-scoped advisory lock makes concurrent starts
 * apply each step exactly once. Steps are append-only: a released step is never edited.
 *
 * Indexes: every FragmentStore lookup is a B-tree seek (O(log n)) — by (stream, fragment number)
 * through the primary key, and by (stream, timestamp, fragment number) per clock for
 * findByTimestamp and the ListFragments/selector queries. Text keys use the "C" collation so
 * the 47-digit fragment numbers and stream names order bytewise, as in the embedded backend.
 * Must not know about object storage.
 */
import type { Pool } from 'pg';

/** Arbitrary constant shared by all kvideo nodes: serialises migrations. */
const MIGRATION_LOCK = 0x6b766964;

const STEPS: readonly string[] = [
  // 1: streams, fragment index, headers, per-stream counters.
  `CREATE TABLE kv_streams (
     stream_name text COLLATE "C" PRIMARY KEY,
     stream_id text COLLATE "C" NOT NULL,
     record jsonb NOT NULL
   );
   CREATE INDEX kv_streams_id ON kv_streams (stream_id);
   CREATE TABLE kv_fragment_streams (
     stream_id text COLLATE "C" PRIMARY KEY,
     last_fragment_number text COLLATE "C",
     next_header_id integer NOT NULL DEFAULT 1,
     stored_bytes bigint NOT NULL DEFAULT 0
   );
   CREATE TABLE kv_headers (
     stream_id text COLLATE "C" NOT NULL,
     header_id integer NOT NULL,
     digest text NOT NULL,
     object_key text NOT NULL,
     PRIMARY KEY (stream_id, header_id),
     UNIQUE (stream_id, digest)
   );
   CREATE TABLE kv_fragments (
     stream_id text COLLATE "C" NOT NULL,
     fragment_number text COLLATE "C" NOT NULL,
     producer_ts double precision NOT NULL,
     server_ts double precision NOT NULL,
     duration_ms double precision NOT NULL,
     size bigint NOT NULL,
     key_frame boolean NOT NULL,
     cluster_timecode double precision NOT NULL,
     header_id integer NOT NULL,
     object_key text NOT NULL,
     byte_offset bigint NOT NULL DEFAULT 0,
     PRIMARY KEY (stream_id, fragment_number)
   );
   CREATE INDEX kv_fragments_producer ON kv_fragments (stream_id, producer_ts, fragment_number);
   CREATE INDEX kv_fragments_server ON kv_fragments (stream_id, server_ts, fragment_number);`,
];

export const SCHEMA_VERSION = STEPS.length;

export async function migrate(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS kv_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM kv_schema');
    const current = rows[0]?.v ?? 0;
    if (current > STEPS.length) {
      throw new Error(
        `Database schema version ${current} is newer than this kvideo (${STEPS.length}); upgrade kvideo`,
      );
    }
    for (let v = current + 1; v <= STEPS.length; v++) {
      await client.query(STEPS[v - 1]!);
      await client.query('INSERT INTO kv_schema (version) VALUES ($1)', [v]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
