/** GetMediaForFragmentList (spec §7.2). */
import type { archived } from '../../api/index.js';
import { openFragmentListStream } from '../../archive/fragment-list-stream.js';
import type { ActionServices, MediaResult } from '../context.js';

export async function getMediaForFragmentList(
  input: archived.GetMediaForFragmentListInput,
  { streams, fragments }: ActionServices,
): Promise<MediaResult> {
  const stream = streams.resolve(input);
  return {
    kind: 'media',
    contentType: 'video/webm',
    body: await openFragmentListStream(fragments, stream.streamId, input.Fragments),
  };
}
