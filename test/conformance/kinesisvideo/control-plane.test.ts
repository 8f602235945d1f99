/**
 * The control plane through the official AWS SDK v3 client (@aws-sdk/client-kinesis-video):
 * every operation, its documented error paths, and persistence across a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetDataEndpointCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  TagResourceCommand,
  TagStreamCommand,
  UntagResourceCommand,
  UntagStreamCommand,
  UpdateDataRetentionCommand,
  UpdateStreamCommand,
  paginateListStreams,
  type KinesisVideoClient,
} from '@aws-sdk/client-kinesis-video';
import { captureError, controlPlaneClient, startServer, type TestServer } from '../../helpers/server.js';

describe('control plane via AWS SDK v3', () => {
  let srv: TestServer;
  let kv: KinesisVideoClient;

  before(async () => {
    srv = await startServer();
    kv = controlPlaneClient(srv.endpoint);
  });
  after(async () => {
    kv.destroy();
    await srv.close();
  });

  test('CreateStream returns a real-format ARN and DescribeStream reports every field', async () => {
    const created = await kv.send(
      new CreateStreamCommand({
        StreamName: 'cam-1',
        DeviceName: 'dev-1',
        MediaType: 'video/h264,audio/aac',
        DataRetentionInHours: 24,
        Tags: { team: 'a' },
      }),
    );
    assert.match(
      created.StreamARN ?? '',
      /^arn:aws:kinesisvideo:us-west-2:[0-9]{12}:stream\/cam-1\/[0-9]{13}$/,
    );
    const { StreamInfo: info } = await kv.send(new DescribeStreamCommand({ StreamName: 'cam-1' }));
    assert.ok(info);
    assert.equal(info.StreamName, 'cam-1');
    assert.equal(info.StreamARN, created.StreamARN);
    assert.equal(info.DeviceName, 'dev-1');
    assert.equal(info.MediaType, 'video/h264,audio/aac');
    assert.equal(info.Status, 'ACTIVE');
    assert.equal(info.DataRetentionInHours, 24);
    assert.match(info.Version ?? '', /^[a-zA-Z0-9]{20}$/);
    assert.match(info.KmsKeyId ?? '', /^arn:aws:kms:us-west-2:[0-9]{12}:alias\/aws\/kinesisvideo$/);
    assert.ok(info.CreationTime instanceof Date);
    // The ARN suffix is the creation time in epoch milliseconds (spec §2.1).
    assert.equal(Number(created.StreamARN!.split('/').at(-1)), info.CreationTime.getTime());
    const byArn = await kv.send(new DescribeStreamCommand({ StreamARN: created.StreamARN }));
    assert.deepEqual(byArn.StreamInfo, info);
  });

  test('CreateStream of an existing name fails with ResourceInUseException', async () => {
    await kv.send(new CreateStreamCommand({ StreamName: 'dup' }));
    const err = await captureError(() => kv.send(new CreateStreamCommand({ StreamName: 'dup' })));
    assert.equal(err.name, 'ResourceInUseException');
    assert.equal((err.$metadata as { httpStatusCode: number }).httpStatusCode, 400);
  });

  test('concurrent creates of one name: exactly one succeeds', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => kv.send(new CreateStreamCommand({ StreamName: 'race' }))),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  test('bad stream names and values fail with InvalidArgumentException naming the member', async () => {
    const bad = await captureError(() => kv.send(new CreateStreamCommand({ StreamName: 'has space' })));
    assert.equal(bad.name, 'InvalidArgumentException');
    assert.match(bad.message, /1 validation error detected: Value 'has space' at 'streamName'/);
    const long = await captureError(() => kv.send(new CreateStreamCommand({ StreamName: 'x'.repeat(257) })));
    assert.equal(long.name, 'InvalidArgumentException');
    assert.match(long.message, /length less than or equal to 256/);
    const neg = await captureError(() =>
      kv.send(new CreateStreamCommand({ StreamName: 'neg', DataRetentionInHours: -1 })),
    );
    assert.equal(neg.name, 'InvalidArgumentException');
    const media = await captureError(() =>
      kv.send(new CreateStreamCommand({ StreamName: 'mt', MediaType: 'h264' })),
    );
    assert.match(media.message, /at 'mediaType'/);
  });

  test('unknown streams fail with ResourceNotFoundException (404)', async () => {
    const err = await captureError(() => kv.send(new DescribeStreamCommand({ StreamName: 'nope' })));
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.equal((err.$metadata as { httpStatusCode: number }).httpStatusCode, 404);
    for (const command of [
      new GetDataEndpointCommand({ StreamName: 'nope', APIName: 'GET_MEDIA' }),
      new ListTagsForStreamCommand({ StreamName: 'nope' }),
      new TagStreamCommand({ StreamName: 'nope', Tags: { a: 'b' } }),
      new UpdateStreamCommand({ StreamName: 'nope', CurrentVersion: 'abc' }),
    ]) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const e = await captureError(() => kv.send(command as any));
      assert.equal(e.name, 'ResourceNotFoundException', command.constructor.name);
    }
  });

  test('neither StreamName nor StreamARN fails with InvalidArgumentException', async () => {
    const err = await captureError(() => kv.send(new DescribeStreamCommand({})));
    assert.equal(err.name, 'InvalidArgumentException');
  });

  test('ListStreams paginates with NextToken and filters with BEGINS_WITH', async () => {
    for (const name of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']) {
      await kv.send(new CreateStreamCommand({ StreamName: name }));
    }
    const first = await kv.send(
      new ListStreamsCommand({
        MaxResults: 2,
        StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: 'page-' },
      }),
    );
    assert.deepEqual(
      first.StreamInfoList?.map((s) => s.StreamName),
      ['page-a', 'page-b'],
    );
    assert.ok(first.NextToken);
    const names: string[] = [];
    for await (const page of paginateListStreams(
      { client: kv, pageSize: 2 },
      { StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: 'page-' } },
    )) {
      names.push(...(page.StreamInfoList ?? []).map((s) => s.StreamName!));
    }
    assert.deepEqual(names, ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
    const all = await kv.send(new ListStreamsCommand({}));
    assert.equal(all.NextToken, undefined);
    assert.ok((all.StreamInfoList ?? []).length >= 5);
  });

  test('ListStreams with a bad pagination token fails with InvalidArgumentException', async () => {
    const err = await captureError(() =>
      kv.send(new ListStreamsCommand({ NextToken: 'bm90IGEgdG9rZW4hIQ==' })),
    );
    assert.equal(err.name, 'InvalidArgumentException');
    const bad = await captureError(() => kv.send(new ListStreamsCommand({ NextToken: 'not*base64' })));
    assert.equal(bad.name, 'InvalidArgumentException');
  });

  test('UpdateStream and UpdateDataRetention check and replace the Version', async () => {
    await kv.send(new CreateStreamCommand({ StreamName: 'upd', DataRetentionInHours: 2 }));
    const v1 = (await kv.send(new DescribeStreamCommand({ StreamName: 'upd' }))).StreamInfo!.Version!;
    const mismatch = await captureError(() =>
      kv.send(
        new UpdateStreamCommand({ StreamName: 'upd', CurrentVersion: 'wrong', MediaType: 'video/h265' }),
      ),
    );
    assert.equal(mismatch.name, 'VersionMismatchException');
    await kv.send(
      new UpdateStreamCommand({ StreamName: 'upd', CurrentVersion: v1, MediaType: 'video/h265' }),
    );
    const after1 = (await kv.send(new DescribeStreamCommand({ StreamName: 'upd' }))).StreamInfo!;
    assert.equal(after1.MediaType, 'video/h265');
    assert.notEqual(after1.Version, v1);

    await kv.send(
      new UpdateDataRetentionCommand({
        StreamName: 'upd',
        CurrentVersion: after1.Version,
        Operation: 'INCREASE_DATA_RETENTION',
        DataRetentionChangeInHours: 22,
      }),
    );
    const after2 = (await kv.send(new DescribeStreamCommand({ StreamName: 'upd' }))).StreamInfo!;
    assert.equal(after2.DataRetentionInHours, 24);
    await kv.send(
      new UpdateDataRetentionCommand({
        StreamARN: after2.StreamARN,
        CurrentVersion: after2.Version,
        Operation: 'DECREASE_DATA_RETENTION',
        DataRetentionChangeInHours: 4,
      }),
    );
    const after3 = (await kv.send(new DescribeStreamCommand({ StreamName: 'upd' }))).StreamInfo!;
    assert.equal(after3.DataRetentionInHours, 20);
    const below = await captureError(() =>
      kv.send(
        new UpdateDataRetentionCommand({
          StreamName: 'upd',
          CurrentVersion: after3.Version,
          Operation: 'DECREASE_DATA_RETENTION',
          DataRetentionChangeInHours: 21,
        }),
      ),
    );
    assert.equal(below.name, 'InvalidArgumentException');
    const badOp = await captureError(() =>
      kv.send(
        new UpdateDataRetentionCommand({
          StreamName: 'upd',
          CurrentVersion: after3.Version,
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          Operation: 'DOUBLE' as any,
          DataRetentionChangeInHours: 1,
        }),
      ),
    );
    assert.match(badOp.message, /enum value set/);
  });

  test('DeleteStream checks CurrentVersion, then the stream is gone and its name reusable', async () => {
    const { StreamARN: arn } = await kv.send(new CreateStreamCommand({ StreamName: 'del' }));
    const mismatch = await captureError(() =>
      kv.send(new DeleteStreamCommand({ StreamARN: arn, CurrentVersion: 'nope' })),
    );
    assert.equal(mismatch.name, 'VersionMismatchException');
    await kv.send(new DeleteStreamCommand({ StreamARN: arn }));
    const gone = await captureError(() => kv.send(new DescribeStreamCommand({ StreamName: 'del' })));
    assert.equal(gone.name, 'ResourceNotFoundException');
    const again = await captureError(() => kv.send(new DeleteStreamCommand({ StreamARN: arn })));
    assert.equal(again.name, 'ResourceNotFoundException');
    // A re-created stream gets a new ARN; the old ARN does not resolve to it.
    await new Promise((r) => setTimeout(r, 2));
    const { StreamARN: arn2 } = await kv.send(new CreateStreamCommand({ StreamName: 'del' }));
    assert.notEqual(arn2, arn);
    const stale = await captureError(() => kv.send(new DescribeStreamCommand({ StreamARN: arn })));
    assert.equal(stale.name, 'ResourceNotFoundException');
  });

  test('TagStream, UntagStream, ListTagsForStream and the 50-tag limit', async () => {
    const { StreamARN: arn } = await kv.send(
      new CreateStreamCommand({ StreamName: 'tags', Tags: { a: '1' } }),
    );
    await kv.send(new TagStreamCommand({ StreamName: 'tags', Tags: { b: '2', a: 'one' } }));
    assert.deepEqual((await kv.send(new ListTagsForStreamCommand({ StreamARN: arn }))).Tags, {
      a: 'one',
      b: '2',
    });
    await kv.send(new UntagStreamCommand({ StreamName: 'tags', TagKeyList: ['a', 'missing'] }));
    assert.deepEqual((await kv.send(new ListTagsForStreamCommand({ StreamName: 'tags' }))).Tags, { b: '2' });

    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const tooMany = await captureError(() =>
      kv.send(new TagStreamCommand({ StreamName: 'tags', Tags: many })),
    );
    assert.equal(tooMany.name, 'TagsPerResourceExceededLimitException');
    const over = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const overCreate = await captureError(() =>
      kv.send(new CreateStreamCommand({ StreamName: 'tags-51', Tags: over })),
    );
    assert.equal(overCreate.name, 'InvalidArgumentException');
    const badKey = await captureError(() =>
      kv.send(new TagStreamCommand({ StreamName: 'tags', Tags: { 'bad#key': 'v' } })),
    );
    assert.equal(badKey.name, 'InvalidArgumentException');
    const badArn = await captureError(() => kv.send(new ListTagsForStreamCommand({ StreamARN: 'arn:nope' })));
    assert.equal(badArn.name, 'InvalidArgumentException');
  });

  test('TagResource, UntagResource, ListTagsForResource on a stream ARN', async () => {
    const { StreamARN: arn } = await kv.send(new CreateStreamCommand({ StreamName: 'res-tags' }));
    await kv.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'env', Value: 'dev' }] }));
    assert.deepEqual((await kv.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, {
      env: 'dev',
    });
    assert.deepEqual((await kv.send(new ListTagsForStreamCommand({ StreamName: 'res-tags' }))).Tags, {
      env: 'dev',
    });
    await kv.send(new UntagResourceCommand({ ResourceARN: arn, TagKeyList: ['env'] }));
    assert.deepEqual((await kv.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, {});
    const missing = await captureError(() =>
      kv.send(
        new ListTagsForResourceCommand({
          ResourceARN: 'arn:aws:kinesisvideo:us-west-2:000000000000:stream/none/1',
        }),
      ),
    );
    assert.equal(missing.name, 'ResourceNotFoundException');
  });

  test('GetDataEndpoint returns this server as a bare origin for every API name', async () => {
    await kv.send(new CreateStreamCommand({ StreamName: 'ep' }));
    for (const APIName of [
      'PUT_MEDIA',
      'GET_MEDIA',
      'LIST_FRAGMENTS',
      'GET_MEDIA_FOR_FRAGMENT_LIST',
    ] as const) {
      const out = await kv.send(new GetDataEndpointCommand({ StreamName: 'ep', APIName }));
      assert.equal(out.DataEndpoint, srv.endpoint);
    }
    const bad = await captureError(() =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      kv.send(new GetDataEndpointCommand({ StreamName: 'ep', APIName: 'NOPE' as any })),
    );
    assert.equal(bad.name, 'InvalidArgumentException');
  });
});

describe('control plane persistence', () => {
  test('a restart keeps every stream and tag', async () => {
    const srv = await startServer();
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(
      new CreateStreamCommand({ StreamName: 'keep-1', DataRetentionInHours: 5, Tags: { x: 'y' } }),
    );
    await kv.send(new CreateStreamCommand({ StreamName: 'keep-2', MediaType: 'video/h264' }));
    await kv.send(new TagStreamCommand({ StreamName: 'keep-2', Tags: { added: 'later' } }));
    const before1 = (await kv.send(new DescribeStreamCommand({ StreamName: 'keep-1' }))).StreamInfo;
    kv.destroy();
    await srv.close({ keepData: true });

    const again = await startServer({ dataDir: srv.dataDir });
    const kv2 = controlPlaneClient(again.endpoint);
    try {
      assert.deepEqual(
        (await kv2.send(new DescribeStreamCommand({ StreamName: 'keep-1' }))).StreamInfo,
        before1,
      );
      assert.deepEqual((await kv2.send(new ListTagsForStreamCommand({ StreamName: 'keep-1' }))).Tags, {
        x: 'y',
      });
      assert.deepEqual((await kv2.send(new ListTagsForStreamCommand({ StreamName: 'keep-2' }))).Tags, {
        added: 'later',
      });
      const names = (await kv2.send(new ListStreamsCommand({}))).StreamInfoList?.map((s) => s.StreamName);
      assert.deepEqual(names, ['keep-1', 'keep-2']);
    } finally {
      kv2.destroy();
      await again.close();
    }
  });
});
