/**
 * The chunk aligner behind --follow, in-process: a real GetMedia body fed in random pieces comes
 * out as exactly its chunks; a chunk is released as soon as its end Tags are complete (not only
 * when the next chunk starts, which at a live edge could be seconds later); a body cut mid-chunk
 * releases nothing of the partial chunk.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { ChunkAligner } from '../../src/cli/payload/chunk-aligner.js';
import { getMediaBytes } from '../helpers/media.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { controlPlaneClient, startServer, type TestServer } from '../helpers/server.js';
import { fixture } from '../helpers/tools.js';
import { readChunks } from './helpers/chunks.js';

let srv: TestServer;
let body: Buffer;

before(async () => {
  srv = await startServer({ memory: true, limits: { getMediaIdleEndMs: 200, getMediaBytesPerSecond: 0 } });
  const kv = controlPlaneClient(srv.endpoint);
  await kv.send(new CreateStreamCommand({ StreamName: 'a', DataRetentionInHours: 1 }));
  kv.destroy();
  await putMediaRaw({
    endpoint: srv.endpoint,
    headers: {
      'x-amzn-stream-name': 'a',
      'x-amzn-fragment-timecode-type': 'RELATIVE',
      'x-amzn-producer-start-timestamp': '1.000',
    },
    pieces: [readFileSync(fixture('h264-aac.mkv'))],
  });
  body = (await getMediaBytes(srv.endpoint, 'a', { StartSelectorType: 'EARLIEST' })).bytes;
});
after(async () => {
  await srv.close();
});

test('random pieces in, exactly the chunks out', () => {
  const expected = readChunks(body);
  for (let round = 0; round < 8; round++) {
    const aligner = new ChunkAligner();
    const released: Buffer[] = [];
    for (let pos = 0; pos < body.length;) {
      const n = 1 + Math.floor(Math.random() * (round < 4 ? 64 : 20_000));
      for (const c of aligner.push(body.subarray(pos, pos + n))) {
        if (c.trailing) released[released.length - 1] = Buffer.concat([released.at(-1)!, c.bytes]);
        else released.push(c.bytes);
      }
      pos += n;
    }
    for (const c of aligner.end()) released.push(c.bytes);
    assert.equal(released.length, expected.length);
    released.forEach((b, i) => assert.ok(b.equals(expected[i]!.bytes), `round ${round} chunk ${i}`));
  }
});

test('a chunk is released when its end Tags complete; a partial chunk never is', () => {
  const chunks = readChunks(body);
  const aligner = new ChunkAligner();
  const first = chunks[0]!.bytes.length;
  assert.deepEqual(aligner.push(body.subarray(0, first - 1)), []);
  const out = aligner.push(body.subarray(first - 1, first));
  assert.equal(out.length, 1, 'released without waiting for the next chunk');
  assert.equal(
    out[0]!.tags.AWS_KINESISVIDEO_CONTINUATION_TOKEN,
    chunks[0]!.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER,
  );
  // Half of the second chunk, then the connection drops.
  assert.deepEqual(aligner.push(body.subarray(first, first + 100)), []);
  aligner.discard();
  // The next session starts over with the second chunk.
  const again = aligner.push(chunks[1]!.bytes);
  assert.equal(again.length, 1);
  assert.ok(again[0]!.bytes.equals(chunks[1]!.bytes));
});
