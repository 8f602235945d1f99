/** GetImages (spec §7.6): stills decoded from stored fragments by the images module. */
import type { archived } from '../../api/index.js';
import type { ActionServices, RequestContext } from '../context.js';

export async function getImages(
  input: archived.GetImagesInput,
  { streams, images }: ActionServices,
  ctx: RequestContext,
): Promise<archived.GetImagesOutput> {
  const stream = streams.resolve(input);
  return images.getImages(stream, input, ctx.signal);
}
