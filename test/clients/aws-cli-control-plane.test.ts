/** The control plane through the real AWS CLI (`aws kinesisvideo ... --endpoint-url`). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsCliMissing, runAws } from '../helpers/aws-cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('control plane via the AWS CLI', { skip: awsCliMissing }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });
  const aws = (...args: string[]) => runAws(['kinesisvideo', ...args], srv.endpoint);

  test('create, describe, list, tag, update, retention, endpoint, delete', async () => {
    const created = await aws(
      'create-stream',
      '--stream-name',
      'cli-1',
      '--data-retention-in-hours',
      '1',
      '--tags',
      'a=b',
    );
    assert.equal(created.code, 0, created.stderr);
    const arn = JSON.parse(created.stdout).StreamARN as string;
    assert.match(arn, /:stream\/cli-1\/[0-9]+$/);

    const described = await aws('describe-stream', '--stream-name', 'cli-1');
    assert.equal(described.code, 0, described.stderr);
    const info = JSON.parse(described.stdout).StreamInfo;
    assert.equal(info.StreamARN, arn);
    assert.equal(info.DataRetentionInHours, 1);
    // AWS CLI v1 prints timestamps as received (cli_timestamp_format=none): epoch seconds, ms precision.
    assert.equal(Number(arn.split('/').at(-1)), Math.round(Number(info.CreationTime) * 1000));

    await aws('create-stream', '--stream-name', 'cli-2');
    await aws('create-stream', '--stream-name', 'other');
    // --page-size forces the CLI to follow NextToken across pages.
    const listed = await aws(
      'list-streams',
      '--stream-name-condition',
      'ComparisonOperator=BEGINS_WITH,ComparisonValue=cli-',
      '--page-size',
      '1',
    );
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      JSON.parse(listed.stdout).StreamInfoList.map((s: { StreamName: string }) => s.StreamName),
      ['cli-1', 'cli-2'],
    );

    assert.equal((await aws('tag-stream', '--stream-arn', arn, '--tags', 'c=d')).code, 0);
    const tags = await aws('list-tags-for-stream', '--stream-name', 'cli-1');
    assert.deepEqual(JSON.parse(tags.stdout).Tags, { a: 'b', c: 'd' });
    assert.equal((await aws('untag-stream', '--stream-name', 'cli-1', '--tag-key-list', 'a')).code, 0);
    assert.equal((await aws('tag-resource', '--resource-arn', arn, '--tags', 'Key=e,Value=f')).code, 0);
    const resTags = await aws('list-tags-for-resource', '--resource-arn', arn);
    assert.deepEqual(JSON.parse(resTags.stdout).Tags, { c: 'd', e: 'f' });
    assert.equal((await aws('untag-resource', '--resource-arn', arn, '--tag-key-list', 'e')).code, 0);

    const updated = await aws(
      'update-stream',
      '--stream-name',
      'cli-1',
      '--current-version',
      info.Version,
      '--media-type',
      'video/h264',
    );
    assert.equal(updated.code, 0, updated.stderr);
    const v2 = JSON.parse((await aws('describe-stream', '--stream-name', 'cli-1')).stdout).StreamInfo.Version;
    const retention = await aws(
      'update-data-retention',
      '--stream-name',
      'cli-1',
      '--current-version',
      v2,
      '--operation',
      'INCREASE_DATA_RETENTION',
      '--data-retention-change-in-hours',
      '5',
    );
    assert.equal(retention.code, 0, retention.stderr);

    const endpoint = await aws('get-data-endpoint', '--stream-name', 'cli-1', '--api-name', 'GET_MEDIA');
    assert.equal(JSON.parse(endpoint.stdout).DataEndpoint, srv.endpoint);

    assert.equal((await aws('delete-stream', '--stream-arn', arn)).code, 0);
  });

  test('errors print as the AWS CLI prints them, exit code 254/255', async () => {
    const missing = await aws('describe-stream', '--stream-name', 'absent');
    assert.notEqual(missing.code, 0);
    assert.match(
      missing.stderr,
      /An error occurred \(ResourceNotFoundException\) when calling the DescribeStream operation: The requested stream is not found or not active\./,
    );
    await aws('create-stream', '--stream-name', 'cli-dup');
    const dup = await aws('create-stream', '--stream-name', 'cli-dup');
    assert.match(dup.stderr, /\(ResourceInUseException\) when calling the CreateStream operation/);
    const bad = await aws('create-stream', '--stream-name', 'bad name');
    assert.match(
      bad.stderr,
      /\(InvalidArgumentException\) when calling the CreateStream operation: 1 validation error/,
    );
    const v = await aws('update-stream', '--stream-name', 'cli-dup', '--current-version', 'stale');
    assert.match(v.stderr, /\(VersionMismatchException\)/);
  });
});
