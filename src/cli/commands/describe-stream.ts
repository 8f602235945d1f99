/** `kvideo describe-stream`: `aws kinesisvideo describe-stream` (DescribeStream), same arguments and output. */
import { jsonOperationCommand } from '../json-command.js';

export const describeStream = jsonOperationCommand({
  name: 'describe-stream',
  operation: 'DescribeStream',
  summary: 'Describe a stream (DescribeStream).',
});
