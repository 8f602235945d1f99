/**
 * `kvideo list-fragments`: `aws kinesis-video-archived-media list-fragments` (ListFragments,
 * paginated like the AWS CLI), with GetDataEndpoint (LIST_FRAGMENTS) when no --endpoint-url.
 */
import { jsonOperationCommand } from '../json-command.js';

export const listFragments = jsonOperationCommand({
  name: 'list-fragments',
  operation: 'ListFragments',
  summary: 'List the fragments of a stream, optionally within a timestamp range (ListFragments).',
  dataPlaneApi: 'LIST_FRAGMENTS',
});
