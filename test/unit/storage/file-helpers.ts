/**
 * Helpers for white-box tests of the file backend: open a store in a temp dir, locate segment
 * files, and write records behind the store's back (as a crash would leave them).
 */
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openFileStorage, type Storage } from '../../../src/storage/index.js';
import { encodeFragmentRecord } from '../../../src/storage/file/record.js';
import { input, payloadBytes } from '../../contract/fragment-fixtures.js';

export const STREAM = 'cam-1';

export function open(dir: string, segmentBytes = 64 * 1024): Promise<Storage> {
  return openFileStorage({ dataDir: dir, segmentBytes });
}

export function segmentFiles(dir: string, streamId = STREAM): string[] {
  return readdirSync(join(dir, 'streams', streamId))
    .filter((n) => n.endsWith('.seg'))
    .sort()
    .map((n) => join(dir, 'streams', streamId, n));
}

export function lastSegment(dir: string, streamId = STREAM): string {
  const files = segmentFiles(dir, streamId);
  const last = files.at(-1);
  if (!last) throw new Error('no segment files');
  return last;
}

/** The bytes of a FRAGMENT record for fragment i, as the store would write it. */
export function recordBytes(i: number, size: number, headerId: number): Buffer {
  const payload = payloadBytes(i, size);
  const record = encodeFragmentRecord({ ...input(i), size, headerId }, [payload]);
  return Buffer.concat(record.slices);
}

/** Appends a fragment record directly to a segment file, without indexing it. */
export function appendRawRecord(file: string, i: number, size: number, headerId: number): Buffer {
  const bytes = recordBytes(i, size, headerId);
  appendFileSync(file, bytes);
  return bytes;
}
