/** ListFragments (spec §7.1). */
import type { archived } from '../../api/index.js';
import { listFragments as list } from '../../archive/list-fragments.js';
import type { ActionServices } from '../context.js';

export async function listFragments(
  input: archived.ListFragmentsInput,
  { streams, fragments }: ActionServices,
): Promise<archived.ListFragmentsOutput> {
  const stream = streams.resolve(input);
  return list(fragments, stream.streamId, input);
}
