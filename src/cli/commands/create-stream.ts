/** `kvideo create-stream`: `aws kinesisvideo create-stream` (CreateStream), same arguments and output. */
import { jsonOperationCommand } from '../json-command.js';

export const createStream = jsonOperationCommand({
  name: 'create-stream',
  operation: 'CreateStream',
  summary: 'Create a new Kinesis video stream (CreateStream).',
});
