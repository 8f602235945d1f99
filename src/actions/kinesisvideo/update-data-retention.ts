/** UpdateDataRetention (spec §3.6); a decrease deletes data older than the new period at once. */
import type { cp } from '../../api/index.js';
import type { ActionServices } from '../context.js';

export async function updateDataRetention(
  input: cp.UpdateDataRetentionInput,
  { streams, fragments, clock }: ActionServices,
): Promise<cp.UpdateDataRetentionOutput> {
  const record = await streams.updateDataRetention(
    input,
    input.CurrentVersion,
    input.Operation,
    input.DataRetentionChangeInHours,
  );
  if (input.Operation === 'DECREASE_DATA_RETENTION' && record.dataRetentionInHours > 0) {
    await fragments.applyRetention(record.streamId, clock.now() - record.dataRetentionInHours * 3600_000);
  }
  return {};
}
