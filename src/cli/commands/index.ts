/**
 * The client commands, in the order `kvideo help` lists them. Each lives in its own file; `serve`
 * is not here (src/main.ts dispatches it to src/serve-command.ts).
 */
import type { CommandDef } from '../command.js';
import { createStream } from './create-stream.js';
import { deleteStream } from './delete-stream.js';
import { describeStream } from './describe-stream.js';
import { getDataEndpoint } from './get-data-endpoint.js';
import { getImages } from './get-images.js';
import { getMediaForFragmentList } from './get-media-for-fragment-list.js';
import { getMedia } from './get-media.js';
import { listFragments } from './list-fragments.js';
import { listStreams } from './list-streams.js';
import { putMedia } from './put-media.js';
import { updateDataRetention } from './update-data-retention.js';

export const COMMANDS: readonly CommandDef[] = [
  createStream,
  describeStream,
  listStreams,
  deleteStream,
  getDataEndpoint,
  updateDataRetention,
  putMedia,
  getMedia,
  listFragments,
  getMediaForFragmentList,
  getImages,
];

/** AWS CLI service names a command may be prefixed with (`kvideo kinesisvideo describe-stream`). */
export const SERVICE_ALIASES = new Set([
  'kinesisvideo',
  'kinesis-video-media',
  'kinesis-video-archived-media',
]);
