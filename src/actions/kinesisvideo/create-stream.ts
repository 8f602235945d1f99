/** CreateStream (spec §3.1). */
import type { cp } from '../../api/index.js';
import type { ActionServices } from '../context.js';

export async function createStream(
  input: cp.CreateStreamInput,
  { streams }: ActionServices,
): Promise<cp.CreateStreamOutput> {
  const record = await streams.create({
    streamName: input.StreamName,
    deviceName: input.DeviceName,
    mediaType: input.MediaType,
    kmsKeyId: input.KmsKeyId,
    dataRetentionInHours: input.DataRetentionInHours,
    tags: input.Tags,
  });
  return { StreamARN: record.streamArn };
}
