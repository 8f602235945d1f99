/**
 * Describe/Update ImageGenerationConfiguration and NotificationConfiguration through the SDK and
 * the AWS CLI: a DISABLED configuration is validated, kept (across a restart) and returned, each
 * update gives the stream a new Version, a null configuration removes it, and what kvideo cannot
 * deliver (Status ENABLED: images into S3, notifications to SNS) is refused with a clear message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateStreamCommand,
  DescribeImageGenerationConfigurationCommand,
  DescribeNotificationConfigurationCommand,
  DescribeStreamCommand,
  UpdateImageGenerationConfigurationCommand,
  UpdateNotificationConfigurationCommand,
  type ImageGenerationConfiguration,
  type KinesisVideoClient,
} from '@aws-sdk/client-kinesis-video';
import { awsCliMissing, runAws } from '../../helpers/aws-cli.js';
import {
  captureError,
  controlPlaneClient,
  startServer,
  tempDir,
  type TestServer,
} from '../../helpers/server.js';

const IMAGE_CONFIG: ImageGenerationConfiguration = {
  Status: 'DISABLED',
  ImageSelectorType: 'SERVER_TIMESTAMP',
  DestinationConfig: { Uri: 's3://my-bucket/thumbs', DestinationRegion: 'us-west-2' },
  SamplingInterval: 3000,
  Format: 'JPEG',
  FormatConfig: { JPEGQuality: '80' },
  WidthPixels: 320,
  HeightPixels: 240,
};

describe('stream settings: image generation and notification configuration', () => {
  const dataDir = tempDir();
  let srv: TestServer;
  let kv: KinesisVideoClient;

  before(async () => {
    srv = await startServer({ dataDir });
    kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'settings', DataRetentionInHours: 24 }));
    await kv.send(new CreateStreamCommand({ StreamName: 'volatile' }));
  });
  after(async () => {
    kv.destroy();
    await srv.close();
  });

  const version = async (): Promise<string> =>
    (await kv.send(new DescribeStreamCommand({ StreamName: 'settings' }))).StreamInfo!.Version!;

  test('a DISABLED image generation configuration is stored, versioned and returned', async () => {
    const none = await kv.send(new DescribeImageGenerationConfigurationCommand({ StreamName: 'settings' }));
    assert.equal(none.ImageGenerationConfiguration, undefined);
    const before = await version();
    await kv.send(
      new UpdateImageGenerationConfigurationCommand({
        StreamName: 'settings',
        ImageGenerationConfiguration: IMAGE_CONFIG,
      }),
    );
    assert.notEqual(await version(), before, 'the update gives the stream a new Version');
    const got = await kv.send(new DescribeImageGenerationConfigurationCommand({ StreamName: 'settings' }));
    assert.deepEqual(got.ImageGenerationConfiguration, IMAGE_CONFIG);
  });

  test('refused: ENABLED (no S3 delivery), bad sampling interval, quality, region; retention 0', async () => {
    const enabled = await captureError(() =>
      kv.send(
        new UpdateImageGenerationConfigurationCommand({
          StreamName: 'settings',
          ImageGenerationConfiguration: { ...IMAGE_CONFIG, Status: 'ENABLED' },
        }),
      ),
    );
    assert.equal(enabled.name, 'InvalidArgumentException');
    assert.match(enabled.message, /does not deliver generated images to S3/);
    for (const bad of [
      { SamplingInterval: 100 },
      { FormatConfig: { JPEGQuality: '0' } },
      { DestinationConfig: { Uri: 's3://b/p', DestinationRegion: 'eu-west-1' } },
      { WidthPixels: 4000 },
    ]) {
      const err = await captureError(() =>
        kv.send(
          new UpdateImageGenerationConfigurationCommand({
            StreamName: 'settings',
            ImageGenerationConfiguration: { ...IMAGE_CONFIG, ...bad },
          }),
        ),
      );
      assert.equal(err.name, 'InvalidArgumentException', JSON.stringify(bad));
    }
    const volatile = await captureError(() =>
      kv.send(
        new UpdateImageGenerationConfigurationCommand({
          StreamName: 'volatile',
          ImageGenerationConfiguration: IMAGE_CONFIG,
        }),
      ),
    );
    assert.equal(volatile.name, 'NoDataRetentionException');
    const missing = await captureError(() =>
      kv.send(new DescribeImageGenerationConfigurationCommand({ StreamName: 'nope' })),
    );
    assert.equal(missing.name, 'ResourceNotFoundException');
    // The refused updates changed nothing.
    const got = await kv.send(new DescribeImageGenerationConfigurationCommand({ StreamName: 'settings' }));
    assert.deepEqual(got.ImageGenerationConfiguration, IMAGE_CONFIG);
  });

  test('notification configuration: DISABLED kept, ENABLED refused (no SNS), kept across a restart', async () => {
    const topic = 'arn:aws:sns:us-west-2:000000000000:fragments';
    const enabled = await captureError(() =>
      kv.send(
        new UpdateNotificationConfigurationCommand({
          StreamName: 'settings',
          NotificationConfiguration: { Status: 'ENABLED', DestinationConfig: { Uri: topic } },
        }),
      ),
    );
    assert.equal(enabled.name, 'InvalidArgumentException');
    assert.match(enabled.message, /does not publish notifications to SNS/);
    await kv.send(
      new UpdateNotificationConfigurationCommand({
        StreamName: 'settings',
        NotificationConfiguration: { Status: 'DISABLED', DestinationConfig: { Uri: topic } },
      }),
    );
    kv.destroy();
    await srv.close({ keepData: true });
    srv = await startServer({ dataDir });
    kv = controlPlaneClient(srv.endpoint);
    const got = await kv.send(new DescribeNotificationConfigurationCommand({ StreamName: 'settings' }));
    assert.deepEqual(got.NotificationConfiguration, {
      Status: 'DISABLED',
      DestinationConfig: { Uri: topic },
    });
    const image = await kv.send(new DescribeImageGenerationConfigurationCommand({ StreamName: 'settings' }));
    assert.deepEqual(image.ImageGenerationConfiguration, IMAGE_CONFIG);
    await kv.send(new UpdateNotificationConfigurationCommand({ StreamName: 'settings' }));
    const removed = await kv.send(new DescribeNotificationConfigurationCommand({ StreamName: 'settings' }));
    assert.equal(removed.NotificationConfiguration, undefined);
  });

  test('the AWS CLI stores, describes and is refused with the message', { skip: awsCliMissing }, async () => {
    const config = JSON.stringify({
      ...IMAGE_CONFIG,
      ImageSelectorType: 'PRODUCER_TIMESTAMP',
      Format: 'PNG',
    });
    const update = await runAws(
      [
        'kinesisvideo',
        'update-image-generation-configuration',
        '--stream-name',
        'settings',
        '--image-generation-configuration',
        config,
      ],
      srv.endpoint,
    );
    assert.equal(update.code, 0, update.stderr);
    const described = await runAws(
      ['kinesisvideo', 'describe-image-generation-configuration', '--stream-name', 'settings'],
      srv.endpoint,
    );
    assert.equal(described.code, 0, described.stderr);
    assert.deepEqual(JSON.parse(described.stdout), { ImageGenerationConfiguration: JSON.parse(config) });
    const refused = await runAws(
      [
        'kinesisvideo',
        'update-notification-configuration',
        '--stream-name',
        'settings',
        '--notification-configuration',
        'Status=ENABLED,DestinationConfig={Uri=arn:aws:sns:us-west-2:000000000000:t}',
      ],
      srv.endpoint,
    );
    assert.equal(refused.code, 255);
    assert.match(
      refused.stderr,
      /InvalidArgumentException.*UpdateNotificationConfiguration.*does not publish notifications to SNS/,
    );
    const notification = await runAws(
      ['kinesisvideo', 'describe-notification-configuration', '--stream-name', 'settings'],
      srv.endpoint,
    );
    assert.equal(notification.code, 0, notification.stderr);
    // The CLI prints nothing for an empty response: no configuration is stored.
    assert.equal(notification.stdout.trim(), '');
  });
});
