/**
 * `kvideo get-hls-streaming-session-url`: `aws kinesis-video-archived-media
 * get-hls-streaming-session-url` (GetHLSStreamingSessionURL), with GetDataEndpoint
 * (GET_HLS_STREAMING_SESSION_URL) when no --endpoint-url.
 */
import { jsonOperationCommand } from '../json-command.js';

export const getHlsStreamingSessionUrl = jsonOperationCommand({
  name: 'get-hls-streaming-session-url',
  operation: 'GetHLSStreamingSessionURL',
  summary: 'Get an HLS URL for a stream, live or archived (GetHLSStreamingSessionURL).',
  dataPlaneApi: 'GET_HLS_STREAMING_SESSION_URL',
});
