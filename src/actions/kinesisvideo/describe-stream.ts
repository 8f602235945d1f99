/** DescribeStream (spec §3.2). */
import type { cp } from '../../api/index.js';
import type { ActionServices } from '../context.js';
import { toStreamInfo } from './stream-info.js';

export async function describeStream(
  input: cp.DescribeStreamInput,
  { streams }: ActionServices,
): Promise<cp.DescribeStreamOutput> {
  return { StreamInfo: toStreamInfo(streams.resolve(input)) };
}
