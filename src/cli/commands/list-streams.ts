/** `kvideo list-streams`: `aws kinesisvideo list-streams` (ListStreams), same arguments and output. */
import { jsonOperationCommand } from '../json-command.js';

export const listStreams = jsonOperationCommand({
  name: 'list-streams',
  operation: 'ListStreams',
  summary: 'List streams, page by page like the AWS CLI (ListStreams).',
});
