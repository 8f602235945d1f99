/**
 * The server's one LMDB environment, <dataDir>/meta.lmdb (a single file plus its -lock file),
 * and its named sub-databases with their key layouts. lmdb-js's ordered-binary array keys sort
 * element by element (strings by UTF-8 bytes, numbers numerically), so
 *
 *   fragments    [streamId, fragmentNumber]              → IndexedFragment
 *   byProducer   [streamId, producerTimestampMs, number] → fragmentNumber
 *   byServer     [streamId, serverTimestampMs, number]   → fragmentNumber
 *   headers      [streamId, headerId]                    → StoredHeader
 *   cursors      streamId                                → StreamCursor
 *   streams      streamName                              → StreamRecord (control plane)
 *
 * and every lookup is a B-tree seek. Fragment numbers are fixed-width digit strings, so string
 * order is numeric order. `[streamId]` sorts before and `[streamId, HIGH]` after every key of
 * the stream (array elements are joined by a 0 byte, and HIGH's UTF-8 0xEF beats any digit or
 * number encoding). Must not know about segment files.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { join } from 'node:path';
import type { FragmentMeta, StreamRecord } from '../types.js';

export const HIGH = '\uffff';

export type FragmentKey = [streamId: string, fragmentNumber: string];
export type TimeKey = [streamId: string, timestampMs: number, fragmentNumber: string];
export type HeaderKey = [streamId: string, headerId: number];

/** An index entry: the fragment's metadata plus where its payload lies. */
export interface IndexedFragment extends FragmentMeta {
  /** Base (file name) of the segment holding the record. */
  seg: number;
  /** Offset of the payload within that segment; the record ends at off + size. */
  off: number;
  /**
   * Bytes from the record start to the payload (prefix + metadata), so a read can check the
   * record's CRC. Absent in entries indexed before reads were verified (located on read).
   */
  pre?: number;
}

export interface StoredHeader {
  ebml: Uint8Array;
  segment: Uint8Array;
}

/** Per-stream progress, committed in the same transaction as each index entry. */
export interface StreamCursor {
  /** Everything before this logical log position (segment base + offset) is indexed. */
  pos: number;
  nextHeaderId: number;
  /** Largest fragment number ever indexed, so the counter survives retention and restarts. */
  last?: string;
}

export interface MetaEnv {
  root: RootDatabase;
  streams: Database<StreamRecord, string>;
  fragments: Database<IndexedFragment, FragmentKey>;
  byProducer: Database<string, TimeKey>;
  byServer: Database<string, TimeKey>;
  headers: Database<StoredHeader, HeaderKey>;
  cursors: Database<StreamCursor, string>;
}

export const META_FILE = 'meta.lmdb';

/** Names of every sub-database, for whole-index checks (index-probe-child.ts). */
export const SUB_DATABASES = [
  'streams',
  'fragments',
  'by-producer-ts',
  'by-server-ts',
  'headers',
  'cursors',
] as const;

/**
 * Awaits an LMDB write and observes the `commitError` lmdb-js attaches to a failed commit: that
 * is a second, rejected promise (the I/O cause, e.g. ENOSPC), which would otherwise be an
 * unhandled rejection and terminate the server when the disk fills up.
 */
export async function settled<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    (err as { commitError?: Promise<unknown> } | undefined)?.commitError?.catch(() => undefined);
    throw err;
  }
}

export function openMetaEnv(dataDir: string): MetaEnv {
  // noSync stays false. lmdb-js's default overlappingSync resolves writes at commit and flushes
  // just after; the fragment index tolerates that (recovery re-derives it from segments), and
  // the stream-metadata store awaits `flushed` itself.
  // eventTurnBatching is off: with it, lmdb-js 3.x opens each event turn's batch with a write
  // whose promise nobody holds, so a failed commit (full disk) became an unhandled rejection
  // that killed the process. Every multi-write here is an explicit transaction anyway.
  const root = open({ path: join(dataDir, META_FILE), maxDbs: 16, noSync: false, eventTurnBatching: false });
  return {
    root,
    streams: root.openDB<StreamRecord, string>({ name: 'streams' }),
    fragments: root.openDB<IndexedFragment, FragmentKey>({ name: 'fragments' }),
    byProducer: root.openDB<string, TimeKey>({ name: 'by-producer-ts' }),
    byServer: root.openDB<string, TimeKey>({ name: 'by-server-ts' }),
    headers: root.openDB<StoredHeader, HeaderKey>({ name: 'headers' }),
    cursors: root.openDB<StreamCursor, string>({ name: 'cursors' }),
  };
}
