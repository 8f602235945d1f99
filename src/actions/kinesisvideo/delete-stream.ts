/** DeleteStream (spec §3.4): by ARN only; the data becomes unreachable at once. */
import type { cp } from '../../api/index.js';
import type { ActionServices } from '../context.js';

export async function deleteStream(
  input: cp.DeleteStreamInput,
  { streams }: ActionServices,
): Promise<cp.DeleteStreamOutput> {
  await streams.delete(input.StreamARN, input.CurrentVersion);
  return {};
}
