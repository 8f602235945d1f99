/** The --cluster / --object-store URL parsing of the cluster backend. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseObjectStoreUrl, parsePostgresUrl } from '../../../src/storage/cluster/config.js';

test('s3:// URL: bucket, prefix, endpoint, region, path style, credentials', () => {
  assert.deepEqual(
    parseObjectStoreUrl(
      's3://AK:S%2Fk@video-archive/site-1/cams/?endpoint=http://127.0.0.1:7480&region=eu-west-1',
    ),
    {
      bucket: 'video-archive',
      prefix: 'site-1/cams',
      endpoint: 'http://127.0.0.1:7480',
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AK', secretAccessKey: 'S/k' },
    },
  );
  const aws = parseObjectStoreUrl('s3://bucket?region=us-east-2');
  assert.equal(aws.prefix, '');
  assert.equal(aws.endpoint, undefined);
  assert.equal(aws.forcePathStyle, false, 'AWS S3 itself: virtual-hosted style');
  assert.equal(aws.credentials, undefined, 'credentials then come from the AWS environment');
  assert.equal(parseObjectStoreUrl('s3://b/p?endpoint=http://x&forcePathStyle=false').forcePathStyle, false);
});

test('wrong schemes are refused with the flag name', () => {
  assert.throws(() => parseObjectStoreUrl('http://bucket/prefix'), /--object-store/);
  assert.throws(() => parseObjectStoreUrl('not a url'), /--object-store/);
  assert.throws(() => parsePostgresUrl('mysql://db'), /--cluster/);
  assert.equal(parsePostgresUrl('postgresql://u@h/db'), 'postgresql://u@h/db');
});
