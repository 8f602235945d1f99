/**
 * The operation registry: every implemented KVS operation, keyed by its generated name so the
 * compiler checks each key against the botocore operation list (design.md §2). Operations of
 * the models that kvideo does not implement are answered by src/http with a clear error.
 */
import type { OperationName } from '../api/index.js';
import type { ActionServices, MediaResult, RequestContext } from './context.js';
import { createStream } from './kinesisvideo/create-stream.js';
import { deleteStream } from './kinesisvideo/delete-stream.js';
import { describeStream } from './kinesisvideo/describe-stream.js';
import { getDataEndpoint } from './kinesisvideo/get-data-endpoint.js';
import { listStreams } from './kinesisvideo/list-streams.js';
import { listTagsForResource, tagResource, untagResource } from './kinesisvideo/tag-resource.js';
import { listTagsForStream, tagStream, untagStream } from './kinesisvideo/tag-stream.js';
import {
  describeImageGenerationConfiguration,
  describeNotificationConfiguration,
  updateImageGenerationConfiguration,
  updateNotificationConfiguration,
} from './kinesisvideo/stream-settings.js';
import { updateDataRetention } from './kinesisvideo/update-data-retention.js';
import { updateStream } from './kinesisvideo/update-stream.js';
import { getMedia } from './media/get-media.js';
import { getImages } from './archived-media/get-images.js';
import { getMediaForFragmentList } from './archived-media/get-media-for-fragment-list.js';
import { listFragments } from './archived-media/list-fragments.js';

export type { ActionServices, MediaResult, RequestContext, ServerLimits } from './context.js';
export { KVS_LIMITS } from './context.js';

/**
 * An action: validated input in, JSON-serialisable output or a media stream out. `any` input is
 * deliberate at this boundary: the http layer validates against the operation's input shape
 * before calling, and each action declares its generated input type.
 */
export type Action = (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  input: any,
  services: ActionServices,
  ctx: RequestContext,
) => Promise<object | MediaResult>;

export const actions = {
  CreateStream: createStream,
  DescribeStream: describeStream,
  ListStreams: listStreams,
  DeleteStream: deleteStream,
  UpdateStream: updateStream,
  UpdateDataRetention: updateDataRetention,
  TagStream: tagStream,
  UntagStream: untagStream,
  ListTagsForStream: listTagsForStream,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  GetDataEndpoint: getDataEndpoint,
  DescribeImageGenerationConfiguration: describeImageGenerationConfiguration,
  UpdateImageGenerationConfiguration: updateImageGenerationConfiguration,
  DescribeNotificationConfiguration: describeNotificationConfiguration,
  UpdateNotificationConfiguration: updateNotificationConfiguration,
  GetMedia: getMedia,
  ListFragments: listFragments,
  GetMediaForFragmentList: getMediaForFragmentList,
  GetImages: getImages,
} satisfies Partial<Record<OperationName, Action>>;

export function isMediaResult(value: object | MediaResult): value is MediaResult {
  return (value as MediaResult).kind === 'media';
}
