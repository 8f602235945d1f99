/**
 * ListStreams (spec §3.3): sorted by name, prefix condition, opaque NextToken. The token is the
 * base64 of the last returned name, so pages stay stable while streams are added or removed.
 */
import type { cp } from '../../api/index.js';
import { invalidArgument } from '../../core/errors.js';
import type { ActionServices } from '../context.js';
import { toStreamInfo } from './stream-info.js';

const DEFAULT_MAX_RESULTS = 10000;

function decodeToken(token: string): string {
  const name = Buffer.from(token, 'base64').toString('utf8');
  if (!/^[a-zA-Z0-9_.-]{1,256}$/.test(name) || Buffer.from(name).toString('base64') !== token) {
    throw invalidArgument('The pagination token passed to the operation is invalid.');
  }
  return name;
}

export async function listStreams(
  input: cp.ListStreamsInput,
  { streams }: ActionServices,
): Promise<cp.ListStreamsOutput> {
  const prefix = input.StreamNameCondition?.ComparisonValue ?? '';
  if (input.StreamNameCondition && input.StreamNameCondition.ComparisonOperator === undefined) {
    throw invalidArgument('ComparisonOperator is required when StreamNameCondition is given.');
  }
  const after = input.NextToken ? decodeToken(input.NextToken) : undefined;
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const matching = streams
    .list()
    .filter((s) => s.streamName.startsWith(prefix) && (after === undefined || s.streamName > after));
  const page = matching.slice(0, limit);
  const output: cp.ListStreamsOutput = { StreamInfoList: page.map(toStreamInfo) };
  const last = page.at(-1);
  if (matching.length > limit && last) {
    output.NextToken = Buffer.from(last.streamName).toString('base64');
  }
  return output;
}
