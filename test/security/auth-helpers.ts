/**
 * Shared pieces of the authentication tests: a credentials file with restricted and unrestricted
 * keys, a server enforcing it, SDK clients for a given key, raw HTTP requests and a SigV4 signer
 * (the SDK's own) for hand-built requests such as PutMedia and presigned URLs.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Sha256 } from '@aws-crypto/sha256-js';
import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { KinesisVideoArchivedMediaClient } from '@aws-sdk/client-kinesis-video-archived-media';
import { KinesisVideoMediaClient } from '@aws-sdk/client-kinesis-video-media';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseCredentials } from '../../src/auth/index.js';
import type { KvideoOptions } from '../../src/server.js';
import { startServer, TEST_REGION, type TestServer } from '../helpers/server.js';

export interface Key {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const ADMIN: Key = { accessKeyId: 'AKIDADMIN', secretAccessKey: 'admin/secret+key' };
/** Restricted to streams cam-* and to ingest/read operations. */
export const CAMERA: Key = { accessKeyId: 'AKIDCAMERA', secretAccessKey: 'camera-secret' };
/** Any operation, but only on stream `lab`. */
export const LAB: Key = { accessKeyId: 'AKIDLAB', secretAccessKey: 'lab-secret' };
/** Temporary credentials: the session token must come with every request. */
export const TEMP: Key = {
  accessKeyId: 'ASIATEMP',
  secretAccessKey: 'temp-secret',
  sessionToken: 'tok-123==',
};
export const UNKNOWN: Key = { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'whatever' };

/** The credentials file, in YAML (the JSON form is tested separately). */
export const CREDENTIALS_YAML = `
# kvideo credentials
credentials:
  - accessKeyId: ${ADMIN.accessKeyId}
    secretAccessKey: "${ADMIN.secretAccessKey}"
  - accessKeyId: ${CAMERA.accessKeyId}
    secretAccessKey: ${CAMERA.secretAccessKey}
    streams: ["cam-*"]
    actions: [PutMedia, GetMedia, GetDataEndpoint, Describe*, ListFragments]
  - accessKeyId: ${LAB.accessKeyId}
    secretAccessKey: ${LAB.secretAccessKey}
    streams: lab
  - accessKeyId: ${TEMP.accessKeyId}
    secretAccessKey: ${TEMP.secretAccessKey}
    sessionToken: "${TEMP.sessionToken}"
`;

export function startAuthServer(options: Partial<KvideoOptions> = {}): Promise<TestServer> {
  return startServer({ credentials: parseCredentials(CREDENTIALS_YAML), ...options });
}

export function controlClient(endpoint: string, key: Key, extra: object = {}): KinesisVideoClient {
  return new KinesisVideoClient({
    endpoint,
    region: TEST_REGION,
    credentials: key,
    maxAttempts: 1,
    ...extra,
  });
}

export function mediaClientFor(endpoint: string, key: Key, extra: object = {}): KinesisVideoMediaClient {
  return new KinesisVideoMediaClient({
    endpoint,
    region: TEST_REGION,
    credentials: key,
    maxAttempts: 1,
    ...extra,
  });
}

export function archivedClientFor(endpoint: string, key: Key): KinesisVideoArchivedMediaClient {
  return new KinesisVideoArchivedMediaClient({
    endpoint,
    region: TEST_REGION,
    credentials: key,
    maxAttempts: 1,
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one request and reads the whole response (the caller must not use it for live GetMedia). */
export function rawRequest(
  endpoint: string,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
    ca?: string;
  } = {},
): Promise<RawResponse> {
  const url = new URL(path, endpoint);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: options.method ?? 'POST',
        headers: options.headers ?? {},
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface SignOptions {
  /** Signing time (default now). */
  date?: Date;
  /** Extra headers to sign besides host (lowercase names). */
  headers?: Record<string, string>;
  /** Body whose hash is signed; undefined = empty-string hash (streamed body). */
  body?: string | Uint8Array;
  /** Also sign these normally unsignable headers (connection, transfer-encoding, user-agent). */
  signableHeaders?: string[];
  /** Add x-amz-content-sha256 with the payload hash (as the JS SDK does). */
  applyChecksum?: boolean;
  service?: string;
  region?: string;
  query?: Record<string, string>;
}

function signer(key: Key, options: SignOptions): SignatureV4 {
  return new SignatureV4({
    service: options.service ?? 'kinesisvideo',
    region: options.region ?? TEST_REGION,
    credentials: key,
    sha256: Sha256,
    applyChecksum: options.applyChecksum ?? false,
  });
}

function toSign(endpoint: string, path: string, options: SignOptions): HttpRequest {
  const url = new URL(endpoint);
  return new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query: options.query ?? {},
    headers: { host: url.host, ...options.headers },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
}

/** Header-signed request headers (Authorization, X-Amz-Date, plus the given ones). */
export async function signHeaders(
  endpoint: string,
  path: string,
  key: Key,
  options: SignOptions = {},
): Promise<Record<string, string>> {
  const signed = await signer(key, options).sign(toSign(endpoint, path, options), {
    signingDate: options.date ?? new Date(),
    ...(options.signableHeaders ? { signableHeaders: new Set(options.signableHeaders) } : {}),
  });
  return signed.headers;
}

/** A presigned URL path (with query) for a POST to `path`. */
export async function presignPath(
  endpoint: string,
  path: string,
  key: Key,
  expiresIn: number,
  options: SignOptions = {},
): Promise<string> {
  const presigned = await signer(key, options).presign(toSign(endpoint, path, options), {
    signingDate: options.date ?? new Date(),
    expiresIn,
  });
  const query = Object.entries(presigned.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${path}?${query}`;
}

export function jsonError(res: RawResponse): { type: string | undefined; message: string | undefined } {
  const body = JSON.parse(res.body) as { message?: string; Message?: string };
  return {
    type: res.headers['x-amzn-errortype'] as string | undefined,
    message: body.message ?? body.Message,
  };
}
