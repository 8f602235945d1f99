/**
 * Stream names and ARNs can never reach outside the data directory: names that are not in KVS's
 * pattern ([a-zA-Z0-9_.-]+) are rejected with InvalidArgumentException, and names the pattern
 * allows but a file system treats specially (`.`, `..`) are harmless because storage directories
 * are named by internal stream ids, never by stream names.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
} from '@aws-sdk/client-kinesis-video';
import { getMediaBytes } from '../helpers/media.js';
import { cluster, ebmlHeader, segmentHead } from '../helpers/mkv-stream.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { captureError, controlPlaneClient, startServer, tempDir } from '../helpers/server.js';
import { concatBytes } from '../../src/mkv/writer.js';
import { rawRequest } from './auth-helpers.js';

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(`${path}/`, ...walk(path));
    else out.push(path);
  }
  return out;
}

test('hostile stream names are rejected or stored under internal ids inside the data dir', async () => {
  const parent = tempDir('kvideo-names-');
  const dataDir = join(parent, 'data');
  mkdirSync(dataDir);
  const srv = await startServer({ dataDir });
  const kv = controlPlaneClient(srv.endpoint);
  try {
    for (const bad of ['../x', 'a/b', '..\\x', '/etc', '%2e%2e', 'x\u0000y', '', 'a'.repeat(257)]) {
      const err = await captureError(() => kv.send(new CreateStreamCommand({ StreamName: bad })));
      assert.equal(err.name, 'InvalidArgumentException', `${JSON.stringify(bad)}: ${err.message}`);
      const raw = await rawRequest(srv.endpoint, '/describeStream', {
        body: JSON.stringify({ StreamName: bad }),
      });
      assert.equal(raw.status, 400, JSON.stringify(bad));
    }
    for (const badHeader of ['../x', 'a/b', '..%2Fx']) {
      const res = await putMediaRaw({
        endpoint: srv.endpoint,
        headers: { 'x-amzn-stream-name': badHeader },
        pieces: [],
      });
      assert.equal(res.status, 400, badHeader);
      assert.equal(res.headers['x-amzn-errortype'], 'InvalidArgumentException');
    }
    const traversalArn = 'arn:aws:kinesisvideo:us-west-2:000000000000:stream/../1';
    const arnErr = await captureError(() => kv.send(new DeleteStreamCommand({ StreamARN: traversalArn })));
    assert.match(arnErr.name, /ResourceNotFoundException|InvalidArgumentException/);

    // `.` and `..` are valid KVS names; their data must land in ordinary id-named directories.
    const header = concatBytes([ebmlHeader(), segmentHead(1)]);
    for (const [i, name] of ['..', '.', '...'].entries()) {
      await kv.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: 1 }));
      const res = await putMediaRaw({
        endpoint: srv.endpoint,
        headers: { 'x-amzn-stream-name': name },
        pieces: [header, cluster({ timecode: i * 1000, blocks: [{ rel: 0, key: true, size: 100 + i }] })],
      });
      assert.ok(
        res.acks.some((a) => a.EventType === 'PERSISTED'),
        `${name}: ${JSON.stringify(res.acks)}`,
      );
    }
    const { bytes } = await getMediaBytes(srv.endpoint, '..', { StartSelectorType: 'EARLIEST' }, 500);
    assert.ok(bytes.includes(Buffer.from('AWS_KINESISVIDEO_FRAGMENT_NUMBER')));
    const dotArn = (await kv.send(new DescribeStreamCommand({ StreamName: '..' }))).StreamInfo!.StreamARN!;

    const files = walk(dataDir).map((p) => relative(dataDir, p) + (p.endsWith('/') ? '/' : ''));
    for (const file of files) {
      assert.match(
        file,
        /^(meta\.lmdb(-lock)?|LOCK|playback-session\.key|streams\/|streams\/\d+-[0-9a-f]{12}\/(\d{16}\.seg|stream\.json)?)$/,
        `unexpected path in the data dir: ${file}`,
      );
    }
    assert.equal(files.filter((f) => f.endsWith('.seg')).length, 3);
    assert.deepEqual(readdirSync(parent), ['data'], 'nothing was written next to the data dir');

    // Deleting `..` removes only its own directory.
    await kv.send(new DeleteStreamCommand({ StreamARN: dotArn }));
    const deadline = Date.now() + 5000;
    while (walk(dataDir).filter((f) => f.endsWith('.seg')).length !== 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(walk(dataDir).filter((f) => f.endsWith('.seg')).length, 2);
    assert.ok(statSync(dataDir).isDirectory());
    assert.deepEqual(readdirSync(parent), ['data']);
  } finally {
    kv.destroy();
    await srv.close();
    rmSync(parent, { recursive: true, force: true });
  }
});
