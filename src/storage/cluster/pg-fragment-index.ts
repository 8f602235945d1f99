/**
 * Synchronous reads of the cluster fragment index (kv_fragments and friends, schema.ts) through
 * the SyncBridge: every method is one indexed query, a B-tree seek by (stream, number) or
 * (stream, timestamp, number), so lookups stay O(log n) in the stream's fragment count.
 * Must not know about object storage or how rows are written.
 */
import { toStoredWidth } from '../checks.js';
import type { TimeIndexSeeks } from '../time-lookup.js';
import type { FragmentMeta, TimestampClock, TimestampCursor } from '../types.js';
import type { SyncBridge } from './sync-bridge.js';

interface FragmentRow {
  fragment_number: string;
  producer_ts: number;
  server_ts: number;
  duration_ms: number;
  size: string;
  key_frame: boolean;
  cluster_timecode: number;
  header_id: number;
}

const COLUMNS =
  'fragment_number, producer_ts, server_ts, duration_ms, size, key_frame, cluster_timecode, header_id';

/** Column names come from this closed map only, never from input. */
const TS_COLUMN: Record<TimestampClock, string> = { PRODUCER: 'producer_ts', SERVER: 'server_ts' };

function toMeta(row: FragmentRow): FragmentMeta {
  return {
    fragmentNumber: row.fragment_number,
    producerTimestampMs: row.producer_ts,
    serverTimestampMs: row.server_ts,
    durationMs: row.duration_ms,
    size: Number(row.size),
    startsWithKeyFrame: row.key_frame,
    clusterTimecode: row.cluster_timecode,
    headerId: row.header_id,
  };
}

export class PgFragmentIndex {
  readonly #reads: SyncBridge;

  constructor(reads: SyncBridge) {
    this.#reads = reads;
  }

  #one(where: string, params: unknown[], order = 'fragment_number'): FragmentMeta | undefined {
    const rows = this.#reads.query<FragmentRow>(
      `SELECT ${COLUMNS} FROM kv_fragments WHERE stream_id = $1 AND ${where} ORDER BY ${order} LIMIT 1`,
      params,
    );
    return rows[0] && toMeta(rows[0]);
  }

  get(streamId: string, fragmentNumber: string): FragmentMeta | undefined {
    return this.#one('fragment_number = $2', [streamId, fragmentNumber]);
  }

  after(streamId: string, fragmentNumber: string): FragmentMeta | undefined {
    const bound = toStoredWidth(fragmentNumber);
    if (bound === undefined || bound === 'above') return undefined;
    return this.#one('fragment_number > $2', [streamId, bound]);
  }

  earliest(streamId: string): FragmentMeta | undefined {
    return this.#one('true', [streamId]);
  }

  latest(streamId: string): FragmentMeta | undefined {
    return this.#one('true', [streamId], 'fragment_number DESC');
  }

  lastNumber(streamId: string): string | undefined {
    const rows = this.#reads.query<{ n: string | null }>(
      'SELECT last_fragment_number AS n FROM kv_fragment_streams WHERE stream_id = $1',
      [streamId],
    );
    return rows[0]?.n ?? undefined;
  }

  storedBytes(streamId: string): number {
    const rows = this.#reads.query<{ b: string }>(
      'SELECT stored_bytes AS b FROM kv_fragment_streams WHERE stream_id = $1',
      [streamId],
    );
    return rows[0] ? Number(rows[0].b) : 0;
  }

  /** The three seeks findContaining (time-lookup.ts) is defined over, one query each. */
  seeks(streamId: string, clock: TimestampClock): TimeIndexSeeks {
    const ts = TS_COLUMN[clock];
    return {
      lastStartAtOrBefore: (t) => {
        const rows = this.#reads.query<{ ts: number | null }>(
          `SELECT max(${ts}) AS ts FROM kv_fragments WHERE stream_id = $1 AND ${ts} <= $2`,
          [streamId, t],
        );
        return rows[0]?.ts ?? undefined;
      },
      firstAt: (at) => this.#one(`${ts} = $2`, [streamId, at])?.fragmentNumber,
      firstAfter: (t) => this.#one(`${ts} > $2`, [streamId, t], `${ts}, fragment_number`)?.fragmentNumber,
      get: (n) => this.get(streamId, n),
    };
  }

  list(
    streamId: string,
    clock: TimestampClock,
    startMs: number,
    endMs: number,
    limit: number,
    after?: TimestampCursor,
  ): FragmentMeta[] {
    if (limit <= 0) return [];
    const ts = TS_COLUMN[clock];
    // A cursor inside the range continues strictly after it; one before the range is ignored.
    const resume = after !== undefined && after.timestampMs >= startMs;
    const rows = resume
      ? this.#reads.query<FragmentRow>(
          `SELECT ${COLUMNS} FROM kv_fragments WHERE stream_id = $1 AND (${ts}, fragment_number) > ($2, $3)
           AND ${ts} <= $4 ORDER BY ${ts}, fragment_number LIMIT $5`,
          [streamId, after.timestampMs, after.fragmentNumber, endMs, limit],
        )
      : this.#reads.query<FragmentRow>(
          `SELECT ${COLUMNS} FROM kv_fragments WHERE stream_id = $1 AND ${ts} >= $2 AND ${ts} <= $3
           ORDER BY ${ts}, fragment_number LIMIT $4`,
          [streamId, startMs, endMs, limit],
        );
    return rows.map(toMeta);
  }
}
