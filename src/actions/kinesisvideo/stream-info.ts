/** StreamRecord → the StreamInfo shape of DescribeStream and ListStreams (spec §3.2). */
import { toJsonEpochSeconds } from '../../core/clock.js';
import type { cp } from '../../api/index.js';
import type { StreamRecord } from '../../storage/types.js';

export function toStreamInfo(record: StreamRecord): cp.StreamInfo {
  const info: cp.StreamInfo = {
    StreamName: record.streamName,
    StreamARN: record.streamArn,
    KmsKeyId: record.kmsKeyId,
    Version: record.version,
    Status: record.status,
    CreationTime: toJsonEpochSeconds(record.creationTimeMs),
    DataRetentionInHours: record.dataRetentionInHours,
  };
  if (record.deviceName !== undefined) info.DeviceName = record.deviceName;
  if (record.mediaType !== undefined) info.MediaType = record.mediaType;
  return info;
}
