/**
 * What kvideo can honestly keep of the image-generation and notification configurations
 * (kinesisvideo UpdateImageGenerationConfiguration / UpdateNotificationConfiguration). Both
 * structures describe deliveries to other AWS services: generated images into an S3 bucket,
 * fragment notifications to an SNS topic. kvideo has neither, so a configuration with Status
 * ENABLED is refused with InvalidArgumentException saying so, never accepted and silently
 * ignored; a DISABLED one is validated (the rules the API reference states) and kept, so tools
 * that manage these settings can store and read them back. Pure validation; no storage.
 */
import type { cp } from '../api/index.js';
import { invalidArgument } from '../core/errors.js';

/** "The minimum value that can be provided is 200 ms." (ImageGenerationConfiguration) */
export const MIN_SAMPLING_INTERVAL_MS = 200;

export function checkImageGenerationConfiguration(
  config: cp.ImageGenerationConfiguration,
  streamRegion: string,
): void {
  if (config.Status === 'ENABLED') {
    throw invalidArgument(
      `kvideo does not deliver generated images to S3 (${config.DestinationConfig.Uri}): an ImageGenerationConfiguration ` +
        'can only be stored with Status DISABLED. Fetch images on demand with GetImages instead.',
    );
  }
  if (config.SamplingInterval < MIN_SAMPLING_INTERVAL_MS) {
    throw invalidArgument(`SamplingInterval must be at least ${MIN_SAMPLING_INTERVAL_MS} milliseconds.`);
  }
  const quality = config.FormatConfig?.JPEGQuality;
  if (
    quality !== undefined &&
    !(/^[0-9]{1,3}$/.test(quality) && Number(quality) >= 1 && Number(quality) <= 100)
  ) {
    throw invalidArgument(
      `FormatConfig JPEGQuality must be an integer from 1 to 100, not ${JSON.stringify(quality)}.`,
    );
  }
  // "This DestinationRegion must match the Region where the stream is located."
  if (config.DestinationConfig.DestinationRegion !== streamRegion) {
    throw invalidArgument(
      `DestinationRegion ${config.DestinationConfig.DestinationRegion} does not match the stream's region ${streamRegion}.`,
    );
  }
}

export function checkNotificationConfiguration(config: cp.NotificationConfiguration): void {
  if (config.Status === 'ENABLED') {
    throw invalidArgument(
      `kvideo does not publish notifications to SNS (${config.DestinationConfig.Uri}): a NotificationConfiguration ` +
        'can only be stored with Status DISABLED.',
    );
  }
}
