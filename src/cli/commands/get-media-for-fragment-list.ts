/**
 * `kvideo get-media-for-fragment-list`: `aws kinesis-video-archived-media
 * get-media-for-fragment-list` (--fragments as a list, outfile, printed metadata), with `-` for
 * stdout and GetDataEndpoint (GET_MEDIA_FOR_FRAGMENT_LIST) when no --endpoint-url is given.
 */
import { buildArgTable } from '../args/arg-table.js';
import type { CommandDef } from '../command.js';
import { runMediaCommand } from '../payload/media-command.js';

const table = () => buildArgTable('GetMediaForFragmentList', { outfile: true });

export const getMediaForFragmentList: CommandDef = {
  name: 'get-media-for-fragment-list',
  service: 'kinesis-video-archived-media',
  summary:
    'Retrieve archived fragments, by fragment number, into a file or stdout (GetMediaForFragmentList).',
  table,
  help: {
    operation: 'GetMediaForFragmentList',
    notes:
      'outfile: "-" writes the media to stdout and the response metadata to stderr. Without ' +
      '--endpoint-url, kvideo first calls GetDataEndpoint (APIName GET_MEDIA_FOR_FRAGMENT_LIST).',
  },
  run(argv, ctx) {
    return runMediaCommand(
      getMediaForFragmentList,
      {
        operation: 'GetMediaForFragmentList',
        dataPlaneApi: 'GET_MEDIA_FOR_FRAGMENT_LIST',
        input: (params) => params,
        options: async () => ({}),
      },
      table(),
      argv,
      ctx,
    );
  },
};
