/** `kvideo update-data-retention`: `aws kinesisvideo update-data-retention` (UpdateDataRetention), same arguments and output. */
import { jsonOperationCommand } from '../json-command.js';

export const updateDataRetention = jsonOperationCommand({
  name: 'update-data-retention',
  operation: 'UpdateDataRetention',
  summary: "Increase or decrease a stream's data retention period (UpdateDataRetention).",
});
