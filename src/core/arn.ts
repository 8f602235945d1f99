/**
 * Stream ARNs in the real KVS layout (spec §2.1):
 * arn:aws:kinesisvideo:{region}:{account}:stream/{name}/{creation time in epoch ms}.
 */
export interface StreamArnParts {
  partition: string;
  region: string;
  accountId: string;
  streamName: string;
  creationTimeMs: number;
}

const ARN_RE = /^arn:([a-z\d-]+):kinesisvideo:([a-z0-9-]+):([0-9]+):stream\/([a-zA-Z0-9_.-]+)\/([0-9]+)$/;

export function formatStreamArn(p: StreamArnParts): string {
  return `arn:${p.partition}:kinesisvideo:${p.region}:${p.accountId}:stream/${p.streamName}/${p.creationTimeMs}`;
}

export function parseStreamArn(arn: string): StreamArnParts | undefined {
  const m = ARN_RE.exec(arn);
  if (!m) return undefined;
  const [, partition, region, accountId, streamName, created] = m;
  return {
    partition: partition!,
    region: region!,
    accountId: accountId!,
    streamName: streamName!,
    creationTimeMs: Number(created),
  };
}
