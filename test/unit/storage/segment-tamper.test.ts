/**
 * A segment truncated or deleted while the server runs (issue #11): the next append must not be
 * acknowledged into an unlinked file or behind a hole. It is rejected (PutMedia answers ERROR
 * 5001), and appends after it continue in a new segment, readable and still there after a
 * reopen.
 */
import assert from 'node:assert/strict';
import { rmSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendRange, header, input, payloadBytes, readPayload } from '../../contract/fragment-fixtures.js';
import { tempDir } from '../../contract/temp-dir.js';
import { STREAM, lastSegment, open, segmentFiles } from './file-helpers.js';

for (const [what, damage] of [
  ['deleted', (file: string) => unlinkSync(file)],
  ['truncated', (file: string) => truncateSync(file, Math.floor(statSync(file).size / 2))],
  ['whole stream directory removed', (file: string) => rmSync(join(file, '..'), { recursive: true })],
] as const) {
  test(`a segment ${what} under a running store: the next append fails, later ones land safely`, async () => {
    const tmp = tempDir();
    let storage = await open(tmp.dir, 1 << 20);
    try {
      const hid = await storage.fragments.putHeader(STREAM, header('a'));
      await appendRange(storage.fragments, STREAM, hid, 1, 5, 700);
      damage(lastSegment(tmp.dir));
      await assert.rejects(
        storage.fragments.appendFragment(STREAM, hid, input(6), [payloadBytes(6, 700)]),
        /segment|ENOENT/,
      );
      await appendRange(storage.fragments, STREAM, hid, 7, 9, 700);
      for (const i of [7, 8, 9]) {
        assert.ok((await readPayload(storage.fragments, STREAM, i)).equals(payloadBytes(i, 700)));
      }
      await storage.close();
      storage = await open(tmp.dir, 1 << 20);
      for (const i of [7, 8, 9]) {
        assert.ok((await readPayload(storage.fragments, STREAM, i)).equals(payloadBytes(i, 700)), `${i}`);
      }
      assert.equal(storage.fragments.getFragment(STREAM, input(6).fragmentNumber), undefined);
      assert.ok(segmentFiles(tmp.dir).length >= 1);
    } finally {
      await storage.close();
      tmp.remove();
    }
  });
}
