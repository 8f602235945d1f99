/**
 * The cluster backend's connection settings, parsed from the two URLs `kvideo serve` takes:
 * `--cluster postgres://user:pass@host:port/db` (handed to the pg client as is) and
 * `--object-store s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=…`. Credentials for the
 * object store come from the URL's user info or, as with every AWS SDK client, from the standard
 * environment/credential chain. Must not open connections.
 */

export interface ObjectStoreConfig {
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket root. */
  prefix: string;
  /** Custom endpoint (radosgw, MinIO, R2); undefined means AWS S3 itself. */
  endpoint?: string;
  region: string;
  /** Path-style addressing (bucket in the path): the default whenever a custom endpoint is set. */
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface ClusterConfig {
  postgresUrl: string;
  objectStore: ObjectStoreConfig;
}

export function parsePostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`--cluster must be a postgres:// URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new TypeError(`--cluster must be a postgres:// URL, got ${JSON.stringify(url)}`);
  }
  return url;
}

export function parseObjectStoreUrl(url: string): ObjectStoreConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`--object-store must be an s3://bucket/prefix URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 's3:' || parsed.hostname === '') {
    throw new TypeError(`--object-store must be an s3://bucket/prefix URL, got ${JSON.stringify(url)}`);
  }
  const q = parsed.searchParams;
  const endpoint = q.get('endpoint') ?? undefined;
  const pathStyle = q.get('forcePathStyle');
  const credentials =
    parsed.username !== ''
      ? {
          accessKeyId: decodeURIComponent(parsed.username),
          secretAccessKey: decodeURIComponent(parsed.password),
        }
      : undefined;
  return {
    bucket: parsed.hostname,
    prefix: decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, ''),
    endpoint,
    region: q.get('region') ?? process.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: pathStyle === null ? endpoint !== undefined : pathStyle === 'true',
    ...(credentials ? { credentials } : {}),
  };
}
