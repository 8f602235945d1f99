/**
 * The stream's own description, kept beside its segments (issue #11, "the segments alone can
 * rebuild everything"): <dataDir>/streams/<streamId>/stream.json holds the StreamRecord (name,
 * ARN, settings, retention, tags, version, creation time) or a deletion mark, so a lost or
 * damaged meta.lmdb can be rebuilt from the stream directories alone.
 *
 * File format (version 1), one JSON object:
 *   { "format": 1, "crc": <CRC-32 of the body string>, "body": "<JSON of JournalEntry>" }
 * The body is carried as a string so the CRC covers exactly the bytes that were written.
 * Every write replaces the file atomically (temp file, fdatasync, rename, directory fsync), so
 * a crash leaves the old or the new description, never half of one.
 * Must not know about LMDB or fragments.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StreamRecord } from '../types.js';
import { crc32 } from './crc32.js';
import { fsyncDirectory } from './segment-files.js';

export const JOURNAL_FILE = 'stream.json';
const JOURNAL_FORMAT = 1;

export interface JournalEntry {
  record: StreamRecord;
  /** Set once DeleteStream removed the stream: the directory is garbage, never to be restored. */
  deleted?: true;
}

export type JournalRead =
  { kind: 'ok'; entry: JournalEntry } | { kind: 'missing' } | { kind: 'corrupt'; reason: string };

function isStreamRecord(value: unknown): value is StreamRecord {
  const r = value as Partial<StreamRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.streamId === 'string' &&
    typeof r.streamName === 'string' &&
    typeof r.streamArn === 'string' &&
    typeof r.version === 'string' &&
    typeof r.creationTimeMs === 'number' &&
    typeof r.dataRetentionInHours === 'number' &&
    typeof r.tags === 'object'
  );
}

export async function readJournal(streamDir: string): Promise<JournalRead> {
  let text: string;
  try {
    text = await readFile(join(streamDir, JOURNAL_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  try {
    const doc = JSON.parse(text) as { format?: unknown; crc?: unknown; body?: unknown };
    if (doc.format !== JOURNAL_FORMAT || typeof doc.body !== 'string') {
      return { kind: 'corrupt', reason: 'unknown journal format' };
    }
    if (crc32(Buffer.from(doc.body, 'utf8')) !== doc.crc)
      return { kind: 'corrupt', reason: 'checksum mismatch' };
    const entry = JSON.parse(doc.body) as JournalEntry;
    if (!isStreamRecord(entry.record)) return { kind: 'corrupt', reason: 'not a stream record' };
    return { kind: 'ok', entry };
  } catch {
    return { kind: 'corrupt', reason: 'not JSON' };
  }
}

/** Replaces the stream's description durably (see header); creates the directory if needed. */
export async function writeJournal(streamsDir: string, entry: JournalEntry): Promise<void> {
  const dir = join(streamsDir, entry.record.streamId);
  if ((await mkdir(dir, { recursive: true })) !== undefined) await fsyncDirectory(dirname(dir));
  const body = JSON.stringify(entry);
  const doc = JSON.stringify({ format: JOURNAL_FORMAT, crc: crc32(Buffer.from(body, 'utf8')), body });
  const temp = join(dir, `${JOURNAL_FILE}.tmp`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
  try {
    await handle.writeFile(doc, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(temp, join(dir, JOURNAL_FILE));
  await fsyncDirectory(dir);
}
