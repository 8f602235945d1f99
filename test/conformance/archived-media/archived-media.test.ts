/**
 * ListFragments and GetMediaForFragmentList through the official SDK
 * (@aws-sdk/client-kinesis-video-archived-media): selectors, inclusive ranges, pagination, the
 * Fragment fields, chunk order and tags, unknown fragments and streams.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import {
  GetMediaForFragmentListCommand,
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
  paginateListFragments,
  type Fragment,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { readKvsTags } from '../../helpers/media.js';
import { clusters, mkvStream } from '../../helpers/mkv-stream.js';
import { putMediaRaw } from '../../helpers/put-media.js';
import {
  captureError,
  controlPlaneClient,
  startServer,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestServer,
} from '../../helpers/server.js';

const START = 1_700_000_000; // producer time of the first fragment, epoch seconds

describe('archived media', () => {
  let srv: TestServer;
  let client: KinesisVideoArchivedMediaClient;
  let numbers: string[] = [];
  const body = mkvStream({ clusters: clusters(6, START * 1000) });

  before(async () => {
    srv = await startServer();
    client = new KinesisVideoArchivedMediaClient({
      endpoint: srv.endpoint,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'arch', DataRetentionInHours: 24 }));
    kv.destroy();
    const res = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'arch' },
      pieces: [body],
    });
    numbers = res.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber!);
    assert.equal(numbers.length, 6);
  });
  after(async () => {
    client.destroy();
    await srv.close();
  });

  const byProducer = (start: number, end: number) => ({
    FragmentSelectorType: 'PRODUCER_TIMESTAMP' as const,
    TimestampRange: { StartTimestamp: new Date(start * 1000), EndTimestamp: new Date(end * 1000) },
  });

  test('ListFragments by producer time: start timestamps in the inclusive range, every field', async () => {
    // Fragments start at START+0..5 s; [START+1, START+4] selects those starting at 1, 2, 3, 4 s.
    const out = await client.send(
      new ListFragmentsCommand({ StreamName: 'arch', FragmentSelector: byProducer(START + 1, START + 4) }),
    );
    const fragments = out.Fragments ?? [];
    assert.deepEqual(
      fragments.map((f) => f.FragmentNumber),
      numbers.slice(1, 5),
    );
    assert.equal(out.NextToken, undefined);
    const f: Fragment = fragments[0]!;
    assert.equal(f.ProducerTimestamp?.getTime(), (START + 1) * 1000);
    assert.ok(f.ServerTimestamp instanceof Date);
    assert.ok((f.FragmentSizeInBytes ?? 0) > 25 * 64);
    assert.equal(f.FragmentLengthInMilliseconds, 960);
  });

  test('ListFragments by server time and without a selector list everything', async () => {
    const all = await client.send(
      new ListFragmentsCommand({
        StreamName: 'arch',
        FragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: { StartTimestamp: new Date(0), EndTimestamp: new Date(Date.now() + 60_000) },
        },
      }),
    );
    assert.deepEqual(
      all.Fragments?.map((f) => f.FragmentNumber),
      numbers,
    );
    const none = await client.send(new ListFragmentsCommand({ StreamName: 'arch' }));
    assert.equal(none.Fragments?.length, 6);
  });

  test('ListFragments paginates with MaxResults and NextToken', async () => {
    const first = await client.send(
      new ListFragmentsCommand({
        StreamName: 'arch',
        MaxResults: 4,
        FragmentSelector: byProducer(START, START + 10),
      }),
    );
    assert.equal(first.Fragments?.length, 4);
    assert.match(first.NextToken ?? '', /^[a-zA-Z0-9+/]+={0,2}$/);
    const second = await client.send(
      new ListFragmentsCommand({ StreamName: 'arch', MaxResults: 4, NextToken: first.NextToken }),
    );
    assert.deepEqual(
      [...(first.Fragments ?? []), ...(second.Fragments ?? [])].map((f) => f.FragmentNumber),
      numbers,
    );
    assert.equal(second.NextToken, undefined);
    const paged: string[] = [];
    for await (const page of paginateListFragments(
      { client, pageSize: 1 },
      { StreamName: 'arch', FragmentSelector: byProducer(START, START + 10) },
    )) {
      paged.push(...(page.Fragments ?? []).map((f) => f.FragmentNumber!));
    }
    assert.deepEqual(paged, numbers);
    const bad = await captureError(() =>
      client.send(new ListFragmentsCommand({ StreamName: 'arch', NextToken: 'Zm9v' })),
    );
    assert.equal(bad.name, 'InvalidArgumentException');
  });

  test('ListFragments validation and unknown streams', async () => {
    const reversed = await captureError(() =>
      client.send(
        new ListFragmentsCommand({ StreamName: 'arch', FragmentSelector: byProducer(START + 5, START) }),
      ),
    );
    assert.equal(reversed.name, 'InvalidArgumentException');
    const tooMany = await captureError(() =>
      client.send(new ListFragmentsCommand({ StreamName: 'arch', MaxResults: 1001 })),
    );
    assert.equal(tooMany.name, 'InvalidArgumentException');
    const missing = await captureError(() => client.send(new ListFragmentsCommand({ StreamName: 'nope' })));
    assert.equal(missing.name, 'ResourceNotFoundException');
  });

  test('GetMediaForFragmentList returns the listed fragments in request order with their tags', async () => {
    const wanted = [numbers[3]!, numbers[0]!, '9'.repeat(47), numbers[5]!];
    const out = await client.send(
      new GetMediaForFragmentListCommand({ StreamName: 'arch', Fragments: wanted }),
    );
    assert.equal(out.ContentType, 'video/webm');
    const parts: Buffer[] = [];
    for await (const p of out.Payload as AsyncIterable<Uint8Array>) parts.push(Buffer.from(p));
    const bytes = Buffer.concat(parts);
    const seen: Record<string, string>[] = [];
    let at = bytes.indexOf(Buffer.from([0x12, 0x54, 0xc3, 0x67]));
    while (at !== -1) {
      try {
        const { tags, end } = readKvsTags(bytes, at);
        seen.push(tags);
        at = bytes.indexOf(Buffer.from([0x12, 0x54, 0xc3, 0x67]), end);
      } catch {
        at = bytes.indexOf(Buffer.from([0x12, 0x54, 0xc3, 0x67]), at + 1);
      }
    }
    assert.deepEqual(
      seen.map((t) => t.AWS_KINESISVIDEO_FRAGMENT_NUMBER),
      wanted,
    );
    assert.equal(seen[0]!.AWS_KINESISVIDEO_PRODUCER_TIMESTAMP, `${START + 3}.000`);
    assert.equal(seen[0]!.AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP, `${START + 3}.000`);
    assert.match(seen[0]!.AWS_KINESISVIDEO_SERVER_TIMESTAMP ?? '', /^[0-9]+\.[0-9]{3}$/);
    assert.equal(seen[2]!.AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE, 'ResourceNotFoundException');
    assert.ok(seen[2]!.AWS_KINESISVIDEO_EXCEPTION_MESSAGE);
    assert.equal(seen[0]!.AWS_KINESISVIDEO_MILLIS_BEHIND_NOW, undefined);
  });

  test('GetMediaForFragmentList validation', async () => {
    const empty = await captureError(() =>
      client.send(new GetMediaForFragmentListCommand({ StreamName: 'arch', Fragments: [] })),
    );
    assert.equal(empty.name, 'InvalidArgumentException');
    const missing = await captureError(() =>
      client.send(new GetMediaForFragmentListCommand({ StreamName: 'nope', Fragments: [numbers[0]!] })),
    );
    assert.equal(missing.name, 'ResourceNotFoundException');
  });
});
