/**
 * `kvideo get-clip`: `aws kinesis-video-archived-media get-clip` (--stream-name | --stream-arn,
 * --clip-fragment-selector, outfile), with `-` for stdout and GetDataEndpoint (GET_CLIP) when no
 * --endpoint-url is given. The MP4 goes to the outfile; `{"ContentType": "video/mp4"}` is printed.
 */
import { buildArgTable } from '../args/arg-table.js';
import type { CommandDef } from '../command.js';
import { runMediaCommand } from '../payload/media-command.js';

const table = () => buildArgTable('GetClip', { outfile: true });

export const getClip: CommandDef = {
  name: 'get-clip',
  service: 'kinesis-video-archived-media',
  summary: 'Download an MP4 clip of archived media for a time range (GetClip).',
  table,
  help: {
    operation: 'GetClip',
    notes:
      'outfile: "-" writes the MP4 to stdout and the response metadata to stderr. Without ' +
      '--endpoint-url, kvideo first calls GetDataEndpoint (APIName GET_CLIP).',
  },
  run(argv, ctx) {
    return runMediaCommand(
      getClip,
      {
        operation: 'GetClip',
        dataPlaneApi: 'GET_CLIP',
        input: (params) => params,
        options: async () => ({}),
      },
      table(),
      argv,
      ctx,
    );
  },
};
