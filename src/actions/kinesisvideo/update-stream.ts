/** UpdateStream (spec §3.5). */
import type { cp } from '../../api/index.js';
import type { ActionServices } from '../context.js';

export async function updateStream(
  input: cp.UpdateStreamInput,
  { streams }: ActionServices,
): Promise<cp.UpdateStreamOutput> {
  await streams.update(input, input.CurrentVersion, {
    deviceName: input.DeviceName,
    mediaType: input.MediaType,
  });
  return {};
}
