/**
 * Where data-plane calls go. With --endpoint-url they go straight there, as the AWS CLI sends
 * them. Without it kvideo does what the AWS CLI leaves to the user (its help says "You must first
 * call the GetDataEndpoint API"): it asks the control plane (the SDK's default or configured
 * endpoint, e.g. AWS_ENDPOINT_URL) with GetDataEndpoint for the operation's API name.
 */
import { CliError } from '../errors.js';
import type { AwsSession } from './session.js';

export async function resolveDataEndpoint(
  session: AwsSession,
  endpointUrl: string | undefined,
  apiName: string,
  params: Record<string, unknown>,
): Promise<string> {
  if (endpointUrl) return endpointUrl;
  const client = await session.client('kinesisvideo', undefined);
  const input = {
    ...(params.StreamName !== undefined ? { StreamName: params.StreamName } : {}),
    ...(params.StreamARN !== undefined ? { StreamARN: params.StreamARN } : {}),
    APIName: apiName,
  };
  const { output } = await session.send(client, 'kinesisvideo', 'GetDataEndpoint', input);
  const endpoint = output.DataEndpoint;
  if (typeof endpoint !== 'string' || endpoint === '')
    throw new CliError('GetDataEndpoint returned no DataEndpoint');
  session.debug.log('kvideo.endpoint', `GetDataEndpoint(${apiName}) returned ${endpoint}`);
  return endpoint;
}
