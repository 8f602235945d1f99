/** `kvideo get-data-endpoint`: `aws kinesisvideo get-data-endpoint` (GetDataEndpoint), same arguments and output. */
import { jsonOperationCommand } from '../json-command.js';

export const getDataEndpoint = jsonOperationCommand({
  name: 'get-data-endpoint',
  operation: 'GetDataEndpoint',
  summary: 'Get the endpoint for reading or writing a stream (GetDataEndpoint).',
});
