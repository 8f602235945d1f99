/** GetDataEndpoint (spec §3.9): this server's own origin (or the configured public URL) for every API. */
import type { cp } from '../../api/index.js';
import type { ActionServices } from '../context.js';

export async function getDataEndpoint(
  input: cp.GetDataEndpointInput,
  { streams, dataEndpoint }: ActionServices,
): Promise<cp.GetDataEndpointOutput> {
  streams.resolve(input);
  return { DataEndpoint: dataEndpoint() };
}
