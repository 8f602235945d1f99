/**
 * FragmentStore of the cluster backend: the index in PostgreSQL (pg-fragment-index.ts for the
 * reads), payloads and producer headers in S3-compatible object storage (object-store.ts), one
 * object per fragment. appendFragment resolves — and the producer gets PERSISTED — only after
 * the object PUT was acknowledged and the index row committed, so a lost node loses no
 * acknowledged fragment. Appends of one stream upload in parallel but commit in call order
 * (the ingest pipeline relies on it, types.ts). Must not know about HTTP or Matroska.
 */
import { Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { AppendWaiters } from '../append-waiters.js';
import {
  assertFragmentInput,
  assertHeader,
  assertStreamId,
  headerDigest,
  outOfOrder,
  toFragmentMeta,
} from '../checks.js';
import { findContaining } from '../time-lookup.js';
import type {
  FragmentInput,
  FragmentMeta,
  FragmentStore,
  StreamHeader,
  TimestampClock,
  TimestampCursor,
} from '../types.js';
import type { ObjectStore } from './object-store.js';
import { PgFragmentIndex } from './pg-fragment-index.js';
import type { SyncBridge } from './sync-bridge.js';

export interface PgFragmentStoreOptions {
  pool: Pool;
  reads: SyncBridge;
  objects: ObjectStore;
}

/**
 * One statement, so one round trip and one commit: the counter row is locked by the UPDATE, which
 * applies only if the number grows and the header exists; the row insert happens only then.
 */
const APPEND_SQL = `
  WITH counter AS (
    UPDATE kv_fragment_streams SET last_fragment_number = $2, stored_bytes = stored_bytes + $5
    WHERE stream_id = $1 AND (last_fragment_number IS NULL OR last_fragment_number < $2)
      AND EXISTS (SELECT 1 FROM kv_headers WHERE stream_id = $1 AND header_id = $9)
    RETURNING 1)
  INSERT INTO kv_fragments (stream_id, fragment_number, producer_ts, server_ts, duration_ms, size,
    key_frame, cluster_timecode, header_id, object_key)
  SELECT $1, $2, $3, $4, $6, $5, $7, $8, $9, $10 FROM counter`;

const RETENTION_SQL = `
  WITH gone AS (DELETE FROM kv_fragments WHERE stream_id = $1 AND server_ts < $2 RETURNING object_key, size),
  counter AS (UPDATE kv_fragment_streams SET stored_bytes = stored_bytes - (SELECT coalesce(sum(size), 0) FROM gone)
    WHERE stream_id = $1)
  SELECT object_key FROM gone`;

function encodeHeader(header: StreamHeader): Buffer {
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32BE(header.ebmlHeader.byteLength, 0);
  lengths.writeUInt32BE(header.segmentHeader.byteLength, 4);
  return Buffer.concat([lengths, header.ebmlHeader, header.segmentHeader]);
}

function decodeHeader(bytes: Uint8Array): StreamHeader {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ebml = view.readUInt32BE(0);
  const segment = view.readUInt32BE(4);
  return {
    ebmlHeader: new Uint8Array(view.subarray(8, 8 + ebml)),
    segmentHeader: new Uint8Array(view.subarray(8 + ebml, 8 + ebml + segment)),
  };
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export class PgFragmentStore implements FragmentStore {
  readonly capabilities = { persistent: true };
  readonly #pool: Pool;
  readonly #objects: ObjectStore;
  readonly #index: PgFragmentIndex;
  readonly #reads: SyncBridge;
  readonly #waiters = new AppendWaiters();
  /** Per stream, the commit of the latest appendFragment call: the next one commits after it. */
  readonly #tails = new Map<string, Promise<void>>();
  /** Headers are immutable once stored; keyed `${streamId}/${headerId}`. */
  readonly #headers = new Map<string, StreamHeader>();

  constructor(options: PgFragmentStoreOptions) {
    this.#pool = options.pool;
    this.#objects = options.objects;
    this.#reads = options.reads;
    this.#index = new PgFragmentIndex(options.reads);
  }

  async open(): Promise<void> {}

  /** Waits for appends in flight; the pool and clients are closed by the owner (index.ts). */
  async close(): Promise<void> {
    await Promise.all([...this.#tails.values()]);
  }

  lastFragmentNumber(streamId: string): string | undefined {
    assertStreamId(streamId);
    return this.#index.lastNumber(streamId);
  }

  async putHeader(streamId: string, header: StreamHeader): Promise<number> {
    assertStreamId(streamId);
    assertHeader(header);
    const digest = headerDigest(header);
    const key = this.#objects.headerKey(streamId, digest);
    // Object first: the header is durable before any row (and so any fragment) refers to it.
    await this.#objects.put(key, encodeHeader(header));
    const id = await inTransaction(this.#pool, async (client) => {
      await client.query('INSERT INTO kv_fragment_streams (stream_id) VALUES ($1) ON CONFLICT DO NOTHING', [
        streamId,
      ]);
      const counter = await client.query<{ next: number }>(
        'SELECT next_header_id AS next FROM kv_fragment_streams WHERE stream_id = $1 FOR UPDATE',
        [streamId],
      );
      const existing = await client.query<{ id: number }>(
        'SELECT header_id AS id FROM kv_headers WHERE stream_id = $1 AND digest = $2',
        [streamId, digest],
      );
      if (existing.rows[0]) return existing.rows[0].id;
      const next = counter.rows[0]!.next;
      await client.query(
        'INSERT INTO kv_headers (stream_id, header_id, digest, object_key) VALUES ($1, $2, $3, $4)',
        [streamId, next, digest, key],
      );
      await client.query('UPDATE kv_fragment_streams SET next_header_id = $2 WHERE stream_id = $1', [
        streamId,
        next + 1,
      ]);
      return next;
    });
    this.#headers.set(`${streamId}/${id}`, {
      ebmlHeader: new Uint8Array(header.ebmlHeader),
      segmentHeader: new Uint8Array(header.segmentHeader),
    });
    return id;
  }

  getHeader(streamId: string, headerId: number): StreamHeader | undefined {
    assertStreamId(streamId);
    const cached = this.#headers.get(`${streamId}/${headerId}`);
    if (cached) return cached;
    const rows = this.#reads.query<{ object_key: string }>(
      'SELECT object_key FROM kv_headers WHERE stream_id = $1 AND header_id = $2',
      [streamId, headerId],
    );
    if (!rows[0]) return undefined;
    const header = decodeHeader(this.#reads.object(rows[0].object_key));
    this.#headers.set(`${streamId}/${headerId}`, header);
    return header;
  }

  async appendFragment(
    streamId: string,
    headerId: number,
    fragment: FragmentInput,
    payload: readonly Uint8Array[],
  ): Promise<FragmentMeta> {
    // Everything up to the first await runs at call time, which fixes this append's commit turn.
    assertStreamId(streamId);
    assertFragmentInput(fragment, payload);
    const body = Buffer.concat(payload); // a copy: the caller may reuse its slices afterwards
    const key = this.#objects.fragmentKey(streamId, fragment.fragmentNumber);
    const previous = this.#tails.get(streamId);
    let turnDone!: () => void;
    const turn = new Promise<void>((resolve) => (turnDone = resolve));
    this.#tails.set(streamId, turn);
    const uploaded = this.#objects.put(key, body);
    uploaded.catch(() => undefined); // awaited below, after our turn comes
    try {
      await previous;
      await uploaded;
      const meta = toFragmentMeta(fragment, body.byteLength, headerId);
      try {
        await this.#commit(streamId, meta, key);
      } catch (err) {
        void this.#objects.deleteKeys([key]).catch(() => undefined);
        throw err;
      }
      this.#waiters.notify(streamId, meta.fragmentNumber);
      return meta;
    } finally {
      turnDone();
      if (this.#tails.get(streamId) === turn) this.#tails.delete(streamId);
    }
  }

  async #commit(streamId: string, meta: FragmentMeta, key: string): Promise<void> {
    const result = await this.#pool.query(APPEND_SQL, [
      streamId,
      meta.fragmentNumber,
      meta.producerTimestampMs,
      meta.serverTimestampMs,
      meta.size,
      meta.durationMs,
      meta.startsWithKeyFrame,
      meta.clusterTimecode,
      meta.headerId,
      key,
    ]);
    if (result.rowCount === 1) return;
    const header = await this.#pool.query(
      'SELECT 1 FROM kv_headers WHERE stream_id = $1 AND header_id = $2',
      [streamId, meta.headerId],
    );
    if (header.rowCount === 0)
      throw new RangeError(`Unknown header id ${meta.headerId} for stream ${streamId}`);
    const last = await this.#pool.query<{ n: string }>(
      'SELECT last_fragment_number AS n FROM kv_fragment_streams WHERE stream_id = $1',
      [streamId],
    );
    throw outOfOrder(streamId, meta.fragmentNumber, last.rows[0]?.n ?? '');
  }

  getFragment(streamId: string, fragmentNumber: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    return this.#index.get(streamId, fragmentNumber);
  }

  fragmentAfter(streamId: string, fragmentNumber: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    return this.#index.after(streamId, fragmentNumber);
  }

  earliest(streamId: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    return this.#index.earliest(streamId);
  }

  latest(streamId: string): FragmentMeta | undefined {
    assertStreamId(streamId);
    return this.#index.latest(streamId);
  }

  findByTimestamp(streamId: string, clock: TimestampClock, timestampMs: number): FragmentMeta | undefined {
    assertStreamId(streamId);
    return findContaining(this.#index.seeks(streamId, clock), timestampMs);
  }

  listByTimestamp(
    streamId: string,
    clock: TimestampClock,
    startMs: number,
    endMs: number,
    limit: number,
    after?: TimestampCursor,
  ): FragmentMeta[] {
    assertStreamId(streamId);
    return this.#index.list(streamId, clock, startMs, endMs, limit, after);
  }

  openPayload(streamId: string, meta: FragmentMeta): Readable {
    assertStreamId(streamId);
    const pool = this.#pool;
    const objects = this.#objects;
    // The lookup and GET run asynchronously inside the stream: no blocking read is needed here.
    async function* bytes(): AsyncGenerator<Buffer> {
      const { rows } = await pool.query<{ object_key: string; byte_offset: string }>(
        'SELECT object_key, byte_offset FROM kv_fragments WHERE stream_id = $1 AND fragment_number = $2',
        [streamId, meta.fragmentNumber],
      );
      const row = rows[0];
      if (!row) throw new Error(`Fragment ${meta.fragmentNumber} of stream ${streamId} is not stored`);
      const offset = Number(row.byte_offset);
      const body = await objects.open(row.object_key, offset > 0 ? { offset, length: meta.size } : undefined);
      yield* body as AsyncIterable<Buffer>;
    }
    return Readable.from(bytes(), { objectMode: false });
  }

  waitForAppend(
    streamId: string,
    afterFragmentNumber: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    assertStreamId(streamId);
    if (signal.aborted) return Promise.reject(signal.reason);
    const latest = this.#index.latest(streamId)?.fragmentNumber;
    return this.#waiters.wait(streamId, afterFragmentNumber, latest, signal);
  }

  storedBytes(streamId: string): number {
    assertStreamId(streamId);
    return this.#index.storedBytes(streamId);
  }

  async applyRetention(streamId: string, cutoffMs: number): Promise<void> {
    assertStreamId(streamId);
    // Rows first, in one statement: no index row ever points at a deleted object.
    const { rows } = await this.#pool.query<{ object_key: string }>(RETENTION_SQL, [streamId, cutoffMs]);
    if (rows.length > 0) await this.#objects.deleteKeys(rows.map((r) => r.object_key));
  }

  async dropStream(streamId: string): Promise<void> {
    assertStreamId(streamId);
    await inTransaction(this.#pool, async (client) => {
      for (const table of ['kv_fragments', 'kv_headers', 'kv_fragment_streams']) {
        await client.query(`DELETE FROM ${table} WHERE stream_id = $1`, [streamId]);
      }
    });
    for (const key of [...this.#headers.keys()]) {
      if (key.startsWith(`${streamId}/`)) this.#headers.delete(key);
    }
    await this.#objects.deleteStream(streamId);
  }
}
