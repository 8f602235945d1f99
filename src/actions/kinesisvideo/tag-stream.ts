/** TagStream, UntagStream and ListTagsForStream (spec §3.7). */
import type { cp } from '../../api/index.js';
import type { ActionServices } from '../context.js';

export async function tagStream(
  input: cp.TagStreamInput,
  { streams }: ActionServices,
): Promise<cp.TagStreamOutput> {
  await streams.tag(input, input.Tags);
  return {};
}

export async function untagStream(
  input: cp.UntagStreamInput,
  { streams }: ActionServices,
): Promise<cp.UntagStreamOutput> {
  await streams.untag(input, input.TagKeyList);
  return {};
}

export async function listTagsForStream(
  input: cp.ListTagsForStreamInput,
  { streams }: ActionServices,
): Promise<cp.ListTagsForStreamOutput> {
  // A stream holds at most 50 tags, so one page always suffices (spec §3.7).
  return { Tags: { ...streams.resolve(input).tags } };
}
