/**
 * `kvideo get-media`: `aws kinesis-video-media get-media` (same arguments, outfile, printed
 * metadata, errors and exit codes) plus what a consumer needs beyond it: GetDataEndpoint when
 * no --endpoint-url is given, `-` for stdout, --follow (resume across session ends and network
 * drops from the last continuation token, whole chunks only), --max-fragments, --until, --tags,
 * and a progress line on a terminal.
 */
import type { ArgDef } from '../args/arg-table.js';
import { buildArgTable } from '../args/arg-table.js';
import { parseTimestampMs } from '../args/timestamp.js';
import type { CommandDef } from '../command.js';
import { ParamError } from '../errors.js';
import { runMediaCommand } from '../payload/media-command.js';
import { OutputTarget } from '../payload/outfile.js';

const EXTRA_ARGS: ArgDef[] = [
  {
    name: 'follow',
    kind: 'flag',
    docType: 'boolean',
    help:
      'kvideo extension. Keep reading: when the service ends the GetMedia session or the connection ' +
      'drops or stalls (--cli-read-timeout), start a new GetMedia with StartSelectorType=CONTINUATION_TOKEN ' +
      'and the AWS_KINESISVIDEO_CONTINUATION_TOKEN of the last chunk written. Only whole chunks are written ' +
      '(the chunk being received is held in memory until complete), so the outfile never holds a fragment ' +
      'twice, never misses one, and never ends in a partial chunk. Runs until Ctrl-C, --max-fragments or --until.',
  },
  {
    name: 'max-fragments',
    kind: 'value',
    int: true,
    docType: 'integer',
    help: 'kvideo extension. Stop cleanly after writing this many fragments (whole chunks).',
  },
  {
    name: 'until',
    kind: 'value',
    docType: 'timestamp',
    help:
      'kvideo extension. Stop cleanly before the first fragment whose timestamp is at or after this time ' +
      '(epoch seconds or ISO 8601; UTC unless a zone is given). The producer timestamp is compared when ' +
      '--start-selector uses PRODUCER_TIMESTAMP, the server timestamp otherwise.',
  },
  {
    name: 'tags',
    kind: 'optional-value',
    docType: 'string',
    help:
      "kvideo extension. Write each chunk's AWS_KINESISVIDEO_* tags as one JSON object per line, to stderr " +
      '(--tags or --tags -) or to a file (--tags=FILE). Place --tags after outfile or use --tags=FILE, ' +
      'since a bare --tags takes the next word as its file.',
  },
  {
    name: 'no-progress',
    kind: 'flag',
    docType: 'boolean',
    help: 'kvideo extension. Do not show the progress line (shown on stderr only when stderr is a terminal).',
  },
];

const table = (): ArgDef[] => buildArgTable('GetMedia', { outfile: true, extra: EXTRA_ARGS });

export const getMedia: CommandDef = {
  name: 'get-media',
  service: 'kinesis-video-media',
  summary: 'Retrieve media content from a Kinesis video stream into a file or stdout (GetMedia).',
  table,
  help: {
    operation: 'GetMedia',
    notes:
      'outfile: "-" writes the media to stdout; the response metadata ({"ContentType": ...}) is then ' +
      'printed to stderr instead of stdout, so kvideo get-media ... - | ffplay - receives only media. ' +
      'Without --endpoint-url, kvideo first calls GetDataEndpoint (APIName GET_MEDIA) and reads from the ' +
      'endpoint it returns; with --endpoint-url the request goes straight there, as with the AWS CLI.',
  },
  run(argv, ctx) {
    return runMediaCommand(
      getMedia,
      {
        operation: 'GetMedia',
        dataPlaneApi: 'GET_MEDIA',
        input: (params, token) =>
          token === undefined
            ? params
            : {
                ...params,
                StartSelector: { StartSelectorType: 'CONTINUATION_TOKEN', ContinuationToken: token },
              },
        async options(inv, params) {
          const v = inv.values;
          const max = v.get('max-fragments');
          const maxFragments = typeof max === 'string' ? Number(max) : undefined;
          if (maxFragments !== undefined && maxFragments < 1) {
            throw new ParamError('--max-fragments', `must be at least 1, not ${max}`);
          }
          const until = v.get('until');
          const untilMs = typeof until === 'string' ? parseTimestampMs(until) : undefined;
          if (typeof until === 'string' && untilMs === undefined) {
            throw new ParamError('--until', `not a timestamp (epoch seconds or ISO 8601): ${until}`);
          }
          const selector = params.StartSelector as Record<string, unknown> | undefined;
          const tagsArg = v.get('tags');
          const follow = v.has('follow');
          return {
            follow,
            aligned: follow || maxFragments !== undefined || untilMs !== undefined,
            maxFragments,
            untilMs,
            untilTag:
              selector?.StartSelectorType === 'PRODUCER_TIMESTAMP'
                ? 'AWS_KINESISVIDEO_PRODUCER_TIMESTAMP'
                : 'AWS_KINESISVIDEO_SERVER_TIMESTAMP',
            tags: v.has('tags')
              ? await OutputTarget.open(typeof tagsArg === 'string' ? tagsArg : '-', 'stderr')
              : undefined,
            noProgress: v.has('no-progress'),
          };
        },
      },
      table(),
      argv,
      ctx,
    );
  },
};
