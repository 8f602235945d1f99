/** GetClip (spec §7.3): a progressive MP4 of the selected fragments, streamed as it is written. */
import type { archived } from '../../api/index.js';
import { createClip } from '../../archive/clip.js';
import type { ActionServices, MediaResult, RequestContext } from '../context.js';

export async function getClip(
  input: archived.GetClipInput,
  { streams, fragments, clock }: ActionServices,
  ctx: RequestContext,
): Promise<MediaResult> {
  const stream = streams.resolve(input);
  const clip = await createClip(fragments, stream, input.ClipFragmentSelector, clock.now());
  ctx.logFields.clipFragments = clip.fragments.length;
  return { kind: 'media', contentType: clip.contentType, body: clip.body };
}
