/**
 * TagResource, UntagResource and ListTagsForResource (spec §3.8): capitalised paths, a list of
 * {Key, Value} on input. kvideo has no signaling channels, so the resource is a stream ARN and
 * shares the stream's tag set.
 */
import type { cp } from '../../api/index.js';
import type { ActionServices } from '../context.js';

export async function tagResource(
  input: cp.TagResourceInput,
  { streams }: ActionServices,
): Promise<cp.TagResourceOutput> {
  const tags = Object.fromEntries(input.Tags.map((t) => [t.Key, t.Value]));
  await streams.tag({ StreamARN: input.ResourceARN }, tags);
  return {};
}

export async function untagResource(
  input: cp.UntagResourceInput,
  { streams }: ActionServices,
): Promise<cp.UntagResourceOutput> {
  await streams.untag({ StreamARN: input.ResourceARN }, input.TagKeyList);
  return {};
}

export async function listTagsForResource(
  input: cp.ListTagsForResourceInput,
  { streams }: ActionServices,
): Promise<cp.ListTagsForResourceOutput> {
  return { Tags: { ...streams.resolveArn(input.ResourceARN).tags } };
}
