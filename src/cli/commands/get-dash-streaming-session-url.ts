/**
 * `kvideo get-dash-streaming-session-url`: `aws kinesis-video-archived-media
 * get-dash-streaming-session-url` (GetDASHStreamingSessionURL), with GetDataEndpoint
 * (GET_DASH_STREAMING_SESSION_URL) when no --endpoint-url.
 */
import { jsonOperationCommand } from '../json-command.js';

export const getDashStreamingSessionUrl = jsonOperationCommand({
  name: 'get-dash-streaming-session-url',
  operation: 'GetDASHStreamingSessionURL',
  summary: 'Get an MPEG-DASH URL for a stream, live or archived (GetDASHStreamingSessionURL).',
  dataPlaneApi: 'GET_DASH_STREAMING_SESSION_URL',
});
