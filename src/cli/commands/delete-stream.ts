/** `kvideo delete-stream`: `aws kinesisvideo delete-stream` (DeleteStream), same arguments and output. */
import { jsonOperationCommand } from '../json-command.js';

export const deleteStream = jsonOperationCommand({
  name: 'delete-stream',
  operation: 'DeleteStream',
  summary: 'Delete a stream and its data (DeleteStream).',
});
