/**
 * A byte flipped on disk inside a stored fragment (bit rot, a bad disk, an operator's editor) is
 * never served as if intact (issue #11): GetMedia ends with in-stream error 5000 where the
 * damaged fragment would be, without its end Tags; GetMediaForFragmentList answers 500 when the
 * damaged fragment comes first and an exception tag group when it comes later; the intact
 * fragments around it still come out bit-exact, and each detection is counted. Clients are the
 * official SDK v3 ones.
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import {
  GetMediaForFragmentListCommand,
  KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { getMediaBytes, readKvsTags } from '../helpers/media.js';
import { putMediaRaw } from '../helpers/put-media.js';
import {
  TEST_CREDENTIALS,
  TEST_REGION,
  captureError,
  controlPlaneClient,
  startServer,
  type TestServer,
} from '../helpers/server.js';
import { PRODUCER_HEADER, fragmentsOfBody, numberedCluster } from './harness.js';

const TAGS_ID = Buffer.from([0x12, 0x54, 0xc3, 0x67]);

/** Every KVS tag group in a body, in order. */
function tagGroups(bytes: Buffer): Record<string, string>[] {
  const groups: Record<string, string>[] = [];
  let at = bytes.indexOf(TAGS_ID);
  while (at !== -1) {
    try {
      const { tags, end } = readKvsTags(bytes, at);
      groups.push(tags);
      at = bytes.indexOf(TAGS_ID, end);
    } catch {
      at = bytes.indexOf(TAGS_ID, at + 1);
    }
  }
  return groups;
}

describe('corrupt stored fragments', () => {
  let srv: TestServer;
  let archived: KinesisVideoArchivedMediaClient;
  let numbers: string[] = [];
  // Fragments 1-3 are small (verified whole before release); 4 and 5 are large (streamed).
  const sent = [1, 2, 3]
    .map((i) => numberedCluster(1, i))
    .concat([4, 5].map((i) => numberedCluster(1, i, 60_000)));

  const corruptReads = (): number =>
    (srv.kvideo.storage.fragments as unknown as { stats: { corruptReads: number } }).stats.corruptReads;

  function flipStored(fragment: Uint8Array, at: number): void {
    const { streamId } = srv.kvideo.storage.meta.getByName('rot')!;
    const dir = join(srv.dataDir, 'streams', streamId);
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      const where = readFileSync(file).indexOf(Buffer.from(fragment));
      if (where < 0) continue;
      const fd = openSync(file, 'r+');
      const one = Buffer.alloc(1);
      readSync(fd, one, 0, 1, where + at);
      one[0] = (one[0] as number) ^ 0x01;
      writeSync(fd, one, 0, 1, where + at);
      closeSync(fd);
      return;
    }
    assert.fail('fragment not found on disk');
  }

  before(async () => {
    srv = await startServer({ segmentBytes: 8 << 20, limits: { getMediaIdleEndMs: 300 } });
    archived = new KinesisVideoArchivedMediaClient({
      endpoint: srv.endpoint,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'rot', DataRetentionInHours: 24 }));
    kv.destroy();
    const res = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'rot' },
      pieces: [PRODUCER_HEADER, ...sent],
    });
    numbers = res.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber!);
    assert.equal(numbers.length, 5);
    flipStored(sent[1]!, 700); // fragment 2, mid-frame
    flipStored(sent[4]!, sent[4]!.length - 100); // fragment 5, near its end
  });
  after(async () => {
    archived.destroy();
    await srv.close();
  });

  test('GetMedia ends with error 5000 at a small damaged fragment, after the intact one', async () => {
    const before = corruptReads();
    const { bytes } = await getMediaBytes(srv.endpoint, 'rot', { StartSelectorType: 'EARLIEST' });
    const chunks = fragmentsOfBody(bytes);
    assert.equal(chunks[0]?.number, numbers[0]);
    assert.ok(chunks[0]!.bytes.equals(Buffer.from(sent[0]!)), 'fragment 1 bit-exact');
    const groups = tagGroups(bytes);
    const last = groups.at(-1)!;
    assert.equal(last.AWS_KINESISVIDEO_ERROR_ID, '5000');
    assert.equal(last.AWS_KINESISVIDEO_FRAGMENT_NUMBER, numbers[1]);
    assert.ok(!groups.some((g) => g.AWS_KINESISVIDEO_CONTINUATION_TOKEN === numbers[1]));
    assert.equal(bytes.indexOf(Buffer.from(sent[1]!).subarray(0, 600)), -1, 'no byte of fragment 2 went out');
    assert.equal(corruptReads(), before + 1);
  });

  test('GetMedia withholds the end of a large damaged fragment and ends with error 5000', async () => {
    const { bytes } = await getMediaBytes(srv.endpoint, 'rot', {
      StartSelectorType: 'FRAGMENT_NUMBER',
      AfterFragmentNumber: numbers[3]!,
    });
    const damaged = Buffer.from(sent[4]!);
    // What went out of fragment 5: from the end of its start Tags to the error chunk's EBML header.
    const startTags = readKvsTags(bytes, bytes.indexOf(TAGS_ID));
    assert.equal(startTags.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER, numbers[4]);
    const released = bytes.subarray(
      startTags.end,
      bytes.lastIndexOf(Buffer.from(PRODUCER_HEADER.subarray(0, 4))),
    );
    assert.ok(
      released.length <= damaged.length - 100,
      `${released.length} of ${damaged.length} bytes released`,
    );
    assert.ok(released.equals(damaged.subarray(0, released.length)), 'what went out is the intact start');
    const groups = tagGroups(bytes);
    assert.equal(groups.at(-1)?.AWS_KINESISVIDEO_ERROR_ID, '5000');
    assert.ok(!groups.some((g) => g.AWS_KINESISVIDEO_CONTINUATION_TOKEN === numbers[4]));
    // The large intact fragment before it streams through the same path and arrives whole.
    const intact = await getMediaBytes(srv.endpoint, 'rot', {
      StartSelectorType: 'FRAGMENT_NUMBER',
      AfterFragmentNumber: numbers[2]!,
    });
    const [first] = fragmentsOfBody(intact.bytes);
    assert.equal(first?.number, numbers[3]);
    assert.ok(first!.bytes.equals(Buffer.from(sent[3]!)));
  });

  test('GetMediaForFragmentList: 500 when the damaged fragment comes first', async () => {
    const before = corruptReads();
    const err = await captureError(() =>
      archived.send(new GetMediaForFragmentListCommand({ StreamName: 'rot', Fragments: [numbers[1]!] })),
    );
    assert.equal((err.$metadata as { httpStatusCode?: number }).httpStatusCode, 500);
    assert.equal(corruptReads(), before + 1);
  });

  test('GetMediaForFragmentList: an exception group for a later damaged fragment', async () => {
    const out = await archived.send(
      new GetMediaForFragmentListCommand({
        StreamName: 'rot',
        Fragments: [numbers[0]!, numbers[1]!, numbers[2]!],
      }),
    );
    const parts: Buffer[] = [];
    for await (const p of out.Payload as AsyncIterable<Uint8Array>) parts.push(Buffer.from(p));
    const bytes = Buffer.concat(parts);
    const groups = tagGroups(bytes);
    assert.deepEqual(
      groups.map((g) => g.AWS_KINESISVIDEO_FRAGMENT_NUMBER),
      [numbers[0], numbers[1], numbers[2]],
    );
    assert.equal(groups[1]!.AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE, 'InternalFailure');
    assert.ok(bytes.indexOf(Buffer.from(sent[0]!)) >= 0, 'fragment 1 whole');
    assert.ok(bytes.indexOf(Buffer.from(sent[2]!)) >= 0, 'fragment 3 whole');
    assert.equal(bytes.indexOf(Buffer.from(sent[1]!).subarray(0, 600)), -1);
  });
});
