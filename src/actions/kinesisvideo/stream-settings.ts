/**
 * Describe/Update ImageGenerationConfiguration and NotificationConfiguration: stored, versioned
 * stream settings; what kvideo cannot deliver (S3, SNS) is refused (src/streams/stream-settings.ts).
 */
import type { cp } from '../../api/index.js';
import { parseStreamArn } from '../../core/arn.js';
import { KvsError } from '../../core/errors.js';
import type { StreamRecord } from '../../storage/types.js';
import {
  checkImageGenerationConfiguration,
  checkNotificationConfiguration,
} from '../../streams/stream-settings.js';
import type { ActionServices } from '../context.js';

function requireRetention(record: StreamRecord): void {
  if (record.dataRetentionInHours === 0) {
    throw new KvsError('NoDataRetentionException', 'The Stream data retention in hours is equal to zero.');
  }
}

export async function describeImageGenerationConfiguration(
  input: cp.DescribeImageGenerationConfigurationInput,
  { streams }: ActionServices,
): Promise<cp.DescribeImageGenerationConfigurationOutput> {
  const stored = streams.resolve(input).imageGenerationConfiguration;
  return stored ? { ImageGenerationConfiguration: stored as unknown as cp.ImageGenerationConfiguration } : {};
}

export async function updateImageGenerationConfiguration(
  input: cp.UpdateImageGenerationConfigurationInput,
  { streams }: ActionServices,
): Promise<cp.UpdateImageGenerationConfigurationOutput> {
  const record = streams.resolve(input);
  const config = input.ImageGenerationConfiguration;
  if (config) {
    requireRetention(record);
    checkImageGenerationConfiguration(
      config,
      parseStreamArn(record.streamArn)?.region ?? streams.identity.region,
    );
  }
  await streams.updateSetting(input, 'imageGenerationConfiguration', config ? { ...config } : undefined);
  return {};
}

export async function describeNotificationConfiguration(
  input: cp.DescribeNotificationConfigurationInput,
  { streams }: ActionServices,
): Promise<cp.DescribeNotificationConfigurationOutput> {
  const stored = streams.resolve(input).notificationConfiguration;
  return stored ? { NotificationConfiguration: stored as unknown as cp.NotificationConfiguration } : {};
}

export async function updateNotificationConfiguration(
  input: cp.UpdateNotificationConfigurationInput,
  { streams }: ActionServices,
): Promise<cp.UpdateNotificationConfigurationOutput> {
  const record = streams.resolve(input);
  const config = input.NotificationConfiguration;
  if (config) {
    requireRetention(record);
    checkNotificationConfiguration(config);
  }
  await streams.updateSetting(input, 'notificationConfiguration', config ? { ...config } : undefined);
  return {};
}
