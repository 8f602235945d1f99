/**
 * Start-up reconciliation of the `streams` sub-database with the streams' own journals
 * (stream-journal.ts), so stream records survive a lost, emptied or damaged meta.lmdb:
 *   - a live journal whose stream LMDB lacks, or knows differently, is restored into LMDB (the
 *     journal is written after LMDB, so it never holds an unacknowledged change; see
 *     file-stream-meta-store.ts);
 *   - two live journals claiming one name (a delete whose journal write failed): the newer
 *     creation wins, the other directory is left alone and reported;
 *   - a journal marked deleted: the directory is renamed for removal (a drop interrupted by a
 *     crash) and LMDB forgets the record if it still has it;
 *   - a stream LMDB knows but whose journal is missing or unreadable (data directories from
 *     before journals existed, or a damaged journal) gets its journal (re)written from LMDB.
 * Must not know about fragments or segment contents.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/logger.js';
import { isStreamId } from '../checks.js';
import type { StreamRecord } from '../types.js';
import { settled, type MetaEnv } from './lmdb-env.js';
import { fsyncDirectory } from './segment-files.js';
import { readJournal, writeJournal } from './stream-journal.js';

export const DROPPED_MARK = '.dropped-';

export interface ReconcileReport {
  /** Streams LMDB did not know, restored from their journals. */
  restored: number;
  /** Streams whose LMDB record differed from the journal and was replaced by it. */
  updated: number;
  /** Journals (re)written from LMDB: missing (older data directory) or unreadable. */
  journaled: number;
  /** Directories of deleted streams queued for removal. */
  dropped: number;
  /** Directories whose stream cannot be named: no usable journal and unknown to LMDB. */
  orphans: string[];
}

const same = (a: StreamRecord, b: StreamRecord): boolean => JSON.stringify(a) === JSON.stringify(b);

export async function reconcileStreams(
  env: MetaEnv,
  streamsDir: string,
  logger: Logger,
): Promise<ReconcileReport> {
  const report: ReconcileReport = { restored: 0, updated: 0, journaled: 0, dropped: 0, orphans: [] };
  let names: string[] = [];
  try {
    names = (await readdir(streamsDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.includes(DROPPED_MARK) && isStreamId(e.name))
      .map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const known = new Map<string, StreamRecord>(); // streamId → LMDB record
  for (const { value } of env.streams.getRange({})) known.set(value.streamId, value);

  const live = new Map<string, StreamRecord>(); // streamName → newest journaled record
  const unjournaled: string[] = [];
  for (const streamId of names) {
    const dir = join(streamsDir, streamId);
    const read = await readJournal(dir);
    if (read.kind === 'ok' && read.entry.deleted) {
      await rename(dir, join(streamsDir, `${streamId}${DROPPED_MARK}${randomBytes(4).toString('hex')}`));
      const current = env.streams.get(read.entry.record.streamName);
      if (current?.streamId === streamId) await settled(env.streams.remove(current.streamName));
      report.dropped++;
      continue;
    }
    if (read.kind !== 'ok') {
      if (read.kind === 'corrupt')
        logger.warn({ streamId, reason: read.reason }, 'stream journal unreadable');
      unjournaled.push(streamId);
      continue;
    }
    const record = read.entry.record;
    const rival = live.get(record.streamName);
    if (rival && rival.creationTimeMs >= record.creationTimeMs) {
      report.orphans.push(streamId);
      continue;
    }
    if (rival) report.orphans.push(rival.streamId);
    live.set(record.streamName, record);
  }
  if (report.dropped > 0) await fsyncDirectory(streamsDir);

  for (const record of live.values()) {
    const current = env.streams.get(record.streamName);
    if (current && current.streamId !== record.streamId && current.creationTimeMs > record.creationTimeMs) {
      report.orphans.push(record.streamId); // LMDB knows a newer stream of that name
      continue;
    }
    if (current && same(current, record)) continue;
    await settled(env.streams.put(record.streamName, record));
    if (current?.streamId === record.streamId) report.updated++;
    else report.restored++;
  }

  // LMDB records without a usable journal get one, so the next loss of the index is survivable.
  const journaled = new Set([...live.values()].map((r) => r.streamId));
  for (const record of env.streams.getRange({}).map(({ value }) => value)) {
    if (journaled.has(record.streamId)) continue;
    await writeJournal(streamsDir, { record });
    report.journaled++;
  }
  for (const streamId of unjournaled) {
    if (!known.has(streamId) && ![...live.values()].some((r) => r.streamId === streamId)) {
      report.orphans.push(streamId);
    }
  }
  await env.root.flushed;
  if (report.restored + report.updated + report.dropped + report.orphans.length > 0) {
    logger.warn({ ...report }, 'stream records reconciled with the stream journals');
  }
  return report;
}
