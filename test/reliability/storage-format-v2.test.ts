/**
 * Frozen on-disk layout, version 2 (design.md §11): version-1 segment records plus the stream's
 * journal, streams/<id>/stream.json (journal format 1, added for issue #11). With no meta.lmdb,
 * the data directory alone must give back the stream record and its fragment. Never regenerate
 * these bytes: add a new fixture for a new format version instead.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openFileStorage } from '../../src/storage/index.js';
import { tempDir } from '../contract/temp-dir.js';

const JOURNAL_V1 =
  'eyJmb3JtYXQiOjEsImNyYyI6MTAzOTM4NTA3LCJib2R5Ijoie1wicmVjb3JkXCI6e1wic3RyZWFtSWRcIjpcImZpeHR1cmUtdjJcIixcInN0cmVhbU5hbWVcIjpcImNhbS12MlwiLFwic3RyZWFtQXJuXCI6XCJhcm46YXdzOmtpbmVzaXN2aWRlbzp1cy13ZXN0LTI6MDAwMDAwMDAwMDAwOnN0cmVhbS9jYW0tdjIvMTcwMDAwMDAwMDAwMFwiLFwia21zS2V5SWRcIjpcImFybjphd3M6a21zOnVzLXdlc3QtMjowMDAwMDAwMDAwMDA6YWxpYXMvYXdzL2tpbmVzaXN2aWRlb1wiLFwidmVyc2lvblwiOlwiQWJDZEVmR2hJaktsTW5PcFFyU3RcIixcInN0YXR1c1wiOlwiQUNUSVZFXCIsXCJjcmVhdGlvblRpbWVNc1wiOjE3MDAwMDAwMDAwMDAsXCJkYXRhUmV0ZW50aW9uSW5Ib3Vyc1wiOjQ4LFwidGFnc1wiOntcInNpdGVcIjpcIm5vcnRoXCJ9LFwibWVkaWFUeXBlXCI6XCJ2aWRlby9oMjY0XCJ9fSJ9';
const SEGMENT =
  'S1ZEUgEBAAAdAAAADgAAACRzpEiMXeK/eyJoZWFkZXJJZCI6MSwiZWJtbExlbmd0aCI6NH0aRd+jc2VnbWVudC12MktWRFIBAgAA4QAAAA4AAAAbeX7PV8LMQnsiZnJhZ21lbnROdW1iZXIiOiI5MTM0Mzg1MjMzMzE4MDAwMDAwMDAwMDAwMDAwMDAwMDE3MDAwMDAwMDAwMDAwMCIsInByb2R1Y2VyVGltZXN0YW1wTXMiOjE3MDAwMDAwMDAwMDAsInNlcnZlclRpbWVzdGFtcE1zIjoxNzAwMDAwMDAwMTAwLCJkdXJhdGlvbk1zIjoyMDAwLCJzaXplIjoxNCwic3RhcnRzV2l0aEtleUZyYW1lIjp0cnVlLCJjbHVzdGVyVGltZWNvZGUiOjAsImhlYWRlcklkIjoxfWZpcnN0IGZyYWdtZW50';

test('a version-2 stream directory (segments + stream.json) opens without meta.lmdb', async () => {
  const tmp = tempDir();
  try {
    const dir = join(tmp.dir, 'streams', 'fixture-v2');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stream.json'), Buffer.from(JOURNAL_V1, 'base64'));
    writeFileSync(join(dir, '0000000000000000.seg'), Buffer.from(SEGMENT, 'base64'));
    const storage = await openFileStorage({ dataDir: tmp.dir });
    try {
      assert.deepEqual(storage.meta.getByName('cam-v2'), {
        streamId: 'fixture-v2',
        streamName: 'cam-v2',
        streamArn: 'arn:aws:kinesisvideo:us-west-2:000000000000:stream/cam-v2/1700000000000',
        kmsKeyId: 'arn:aws:kms:us-west-2:000000000000:alias/aws/kinesisvideo',
        version: 'AbCdEfGhIjKlMnOpQrSt',
        status: 'ACTIVE',
        creationTimeMs: 1_700_000_000_000,
        dataRetentionInHours: 48,
        tags: { site: 'north' },
        mediaType: 'video/h264',
      });
      const fragment = storage.fragments.latest('fixture-v2')!;
      assert.equal(fragment.fragmentNumber, '91343852333180000000000000000000170000000000000');
      const chunks: Buffer[] = [];
      for await (const chunk of storage.fragments.openPayload('fixture-v2', fragment))
        chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), 'first fragment');
      assert.equal(
        Buffer.from(storage.fragments.getHeader('fixture-v2', 1)!.segmentHeader).toString(),
        'segment-v2',
      );
    } finally {
      await storage.close();
    }
  } finally {
    tmp.remove();
  }
});
