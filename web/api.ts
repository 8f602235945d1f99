/**
 * The console's only way to kvideo: the public KVS JSON APIs (POST /<operation>, JSON in and out,
 * the same requests the AWS SDKs send), SigV4-signed in the browser with the AWS SDK's own signer
 * when the server runs with --auth. Knows nothing about the pages.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export class KvsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class KvsApi {
  readonly #signer: SignatureV4 | undefined;
  readonly #endpoints = new Map<string, string>();

  constructor(
    readonly region: string,
    credentials: Credentials | undefined,
  ) {
    this.#signer = credentials
      ? new SignatureV4({ credentials, region, service: 'kinesisvideo', sha256: Sha256 })
      : undefined;
  }

  /** A request to `origin + path`, signed when credentials were given. */
  async fetch(origin: string, path: string, method: 'GET' | 'POST', body?: string): Promise<Response> {
    const url = new URL(path, origin);
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (this.#signer) {
      const signed = await this.#signer.sign(
        new HttpRequest({
          method,
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          path: url.pathname,
          headers: { ...headers, host: url.host },
          ...(body === undefined ? {} : { body }),
        }),
      );
      // The browser sends Host itself (a forbidden header name for fetch); it matches url.host.
      for (const [k, v] of Object.entries(signed.headers)) if (k !== 'host') headers[k] = v;
    }
    return fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  }

  /** A JSON operation; KVS errors (x-amzn-ErrorType + Message) become KvsError. */
  async call<T>(operation: string, input: object, origin = location.origin): Promise<T> {
    const res = await this.fetch(origin, `/${operation}`, 'POST', JSON.stringify(input));
    if (!res.ok) throw await errorOf(res);
    return (await res.json()) as T;
  }

  /** A media operation (GetClip): the response body as a Blob. */
  async media(operation: string, input: object, origin: string): Promise<Blob> {
    const res = await this.fetch(origin, `/${operation}`, 'POST', JSON.stringify(input));
    if (!res.ok) throw await errorOf(res);
    return res.blob();
  }

  /** GetDataEndpoint for a stream and API, as every SDK client does first (cached per pair). */
  async endpoint(stream: string, apiName: string): Promise<string> {
    const key = `${stream}\n${apiName}`;
    let found = this.#endpoints.get(key);
    if (!found) {
      const out = await this.call<{ DataEndpoint: string }>('getDataEndpoint', {
        StreamName: stream,
        APIName: apiName,
      });
      found = out.DataEndpoint;
      this.#endpoints.set(key, found);
    }
    return found;
  }
}

async function errorOf(res: Response): Promise<KvsError> {
  const code = res.headers.get('x-amzn-ErrorType') ?? `HTTP ${res.status}`;
  let message = res.statusText;
  try {
    const body = (await res.json()) as { Message?: string; message?: string };
    message = body.Message ?? body.message ?? message;
  } catch {
    // not JSON: keep the status text
  }
  return new KvsError(code.split(':')[0] ?? code, message, res.status);
}

export interface StreamInfo {
  StreamName: string;
  StreamARN: string;
  MediaType?: string;
  Status: string;
  DataRetentionInHours: number;
  CreationTime: number;
}

export interface Fragment {
  FragmentNumber: string;
  FragmentSizeInBytes: number;
  ProducerTimestamp: number;
  ServerTimestamp: number;
  FragmentLengthInMilliseconds: number;
}

/** Every fragment whose server timestamp lies in [fromMs, toMs], all pages of ListFragments. */
export async function listFragments(api: KvsApi, stream: string, fromMs: number, toMs: number, pages = 20) {
  const origin = await api.endpoint(stream, 'LIST_FRAGMENTS');
  const out: Fragment[] = [];
  let token: string | undefined;
  for (let page = 0; page < pages; page++) {
    const res: { Fragments: Fragment[]; NextToken?: string } = await api.call(
      'listFragments',
      token
        ? { StreamName: stream, NextToken: token, MaxResults: 1000 }
        : {
            StreamName: stream,
            MaxResults: 1000,
            FragmentSelector: {
              FragmentSelectorType: 'SERVER_TIMESTAMP',
              TimestampRange: { StartTimestamp: fromMs / 1000, EndTimestamp: toMs / 1000 },
            },
          },
      origin,
    );
    out.push(...res.Fragments);
    token = res.NextToken;
    if (!token) break;
  }
  // ListFragments does not promise an order (KVS docs); the pages sort by server time.
  return out.sort((a, b) => a.ServerTimestamp - b.ServerTimestamp);
}

/** `kvideo_storage_bytes{stream="..."}` from GET /metrics (Prometheus text); empty if refused. */
export async function storedBytes(api: KvsApi): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  try {
    const res = await api.fetch(location.origin, '/metrics', 'GET');
    if (!res.ok) return out;
    for (const line of (await res.text()).split('\n')) {
      const m = /^kvideo_storage_bytes\{stream="((?:[^"\\]|\\.)*)"\} (\S+)$/.exec(line);
      if (m) out.set(m[1]!.replace(/\\(.)/g, '$1'), Number(m[2]));
    }
  } catch {
    // metrics unavailable: storage shows as unknown
  }
  return out;
}
