/**
 * Frozen on-disk format, version 1 (design.md §11): a segment file written by the first release
 * of the file backend, embedded below, must keep opening. There is no meta.lmdb, so this also
 * checks that the whole index can be rebuilt from segments. Never regenerate this fixture: add a
 * new one for a new format version instead.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatFragmentNumber } from '../../src/core/fragment-number.js';
import { openFileStorage } from '../../src/storage/index.js';
import { tempDir } from '../contract/temp-dir.js';

const SEGMENT_V1 =
  'S1ZEUgEBAAAdAAAADgAAAJ4irdFcJ0L4eyJoZWFkZXJJZCI6MSwiZWJtbExlbmd0aCI6NH0aRd+jc2VnbWVudC12MUtWRFIBAgAA4QAAAA4AAACigvdvnN+wp3siZnJhZ21lbnROdW1iZXIiOiI5MTM0Mzg1MjMzMzE4MDAwMDAwMDAwMDAwMDAwMDAwMTcwMDAwMDAwMDAwMDAwMCIsInByb2R1Y2VyVGltZXN0YW1wTXMiOjE3MDAwMDAwMDAwMDAsInNlcnZlclRpbWVzdGFtcE1zIjoxNzAwMDAwMDAwMTAwLCJkdXJhdGlvbk1zIjoyMDAwLCJzaXplIjoxNCwic3RhcnRzV2l0aEtleUZyYW1lIjp0cnVlLCJjbHVzdGVyVGltZWNvZGUiOjAsImhlYWRlcklkIjoxfWZpcnN0IGZyYWdtZW50S1ZEUgECAADlAAAADwAAAOqWPyxv0mXBeyJmcmFnbWVudE51bWJlciI6IjkxMzQzODUyMzMzMTgwMDAwMDAwMDAwMDAwMDAwMDAxNzAwMDAwMDAyMDAwMDAwIiwicHJvZHVjZXJUaW1lc3RhbXBNcyI6MTcwMDAwMDAwMjAwMCwic2VydmVyVGltZXN0YW1wTXMiOjE3MDAwMDAwMDIxMDAsImR1cmF0aW9uTXMiOjE1MDAsInNpemUiOjE1LCJzdGFydHNXaXRoS2V5RnJhbWUiOmZhbHNlLCJjbHVzdGVyVGltZWNvZGUiOjIwMDAsImhlYWRlcklkIjoxfXNlY29uZCBmcmFnbWVudA==';

test('a version-1 segment opens and serves its fragments bit-exact', async () => {
  const tmp = tempDir();
  try {
    mkdirSync(join(tmp.dir, 'streams', 'fixture'), { recursive: true });
    writeFileSync(
      join(tmp.dir, 'streams', 'fixture', '0000000000000000.seg'),
      Buffer.from(SEGMENT_V1, 'base64'),
    );
    const storage = await openFileStorage({ dataDir: tmp.dir });
    try {
      const store = storage.fragments;
      const first = formatFragmentNumber(1_700_000_000_000_000n);
      const second = formatFragmentNumber(1_700_000_002_000_000n);
      assert.deepEqual(store.getFragment('fixture', first), {
        fragmentNumber: first,
        producerTimestampMs: 1_700_000_000_000,
        serverTimestampMs: 1_700_000_000_100,
        durationMs: 2000,
        size: 14,
        startsWithKeyFrame: true,
        clusterTimecode: 0,
        headerId: 1,
      });
      assert.equal(store.latest('fixture')?.fragmentNumber, second);
      assert.equal(store.findByTimestamp('fixture', 'PRODUCER', 1_700_000_002_500)?.fragmentNumber, second);
      const header = store.getHeader('fixture', 1)!;
      assert.equal(Buffer.from(header.ebmlHeader).toString('hex'), '1a45dfa3');
      assert.equal(Buffer.from(header.segmentHeader).toString(), 'segment-v1');
      for (const [number, text] of [
        [first, 'first fragment'],
        [second, 'second fragment'],
      ] as const) {
        const chunks: Buffer[] = [];
        for await (const chunk of store.openPayload('fixture', store.getFragment('fixture', number)!)) {
          chunks.push(chunk as Buffer);
        }
        assert.equal(Buffer.concat(chunks).toString(), text);
      }
    } finally {
      await storage.close();
    }
  } finally {
    tmp.remove();
  }
});
