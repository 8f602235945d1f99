/**
 * A stand-in KVS endpoint that checks what the CLI signed: it recomputes each request's SigV4
 * signature with the AWS SDK's signer (@smithy/signature-v4) from the secret it knows for the
 * access key, over exactly the headers the request lists in SignedHeaders and the SHA-256 of the
 * body actually received, and answers 403 InvalidSignatureException on any mismatch. Every
 * request is recorded (access key, region, service, signed or not) for the test to inspect.
 * Serves HTTP, or HTTPS with the test certificate.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { REPO } from './run-cli.js';

export interface SeenRequest {
  path: string;
  signed: boolean;
  accessKeyId?: string;
  region?: string;
  service?: string;
  valid?: boolean;
  headers: IncomingMessage['headers'];
}

export const TLS_CERT = `${REPO}test/cli/fixtures/tls-cert.pem`;
const TLS_KEY = `${REPO}test/cli/fixtures/tls-key.pem`;

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;

async function verify(
  req: IncomingMessage,
  body: Buffer,
  secrets: Record<string, string>,
  seen: SeenRequest,
): Promise<boolean> {
  const m = AUTH.exec(String(req.headers.authorization));
  if (!m) return false;
  const [, accessKeyId, , region, service, signedList, signature] = m;
  Object.assign(seen, { accessKeyId, region, service });
  const secret = secrets[accessKeyId!];
  if (!secret) return false;
  const url = new URL(req.url ?? '/', 'http://stub');
  const headers: Record<string, string> = {};
  for (const name of signedList!.split(';')) headers[name] = String(req.headers[name] ?? '');
  const bodyHash = createHash('sha256').update(body).digest('hex');
  // A declared payload hash must be the body's, or the empty-body hash for streamed PutMedia.
  const declared = headers['x-amz-content-sha256'];
  if (
    declared !== undefined &&
    declared !== bodyHash &&
    !(url.pathname === '/putMedia' && declared === createHash('sha256').digest('hex'))
  ) {
    return false;
  }
  const amzDate = headers['x-amz-date']!;
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const signer = new SignatureV4({
    service: service!,
    region: region!,
    credentials: { accessKeyId: accessKeyId!, secretAccessKey: secret },
    sha256: Sha256,
    applyChecksum: false,
  });
  const request = new HttpRequest({
    method: req.method ?? 'POST',
    protocol: 'http:',
    hostname: 'stub',
    path: url.pathname,
    headers,
    body: declared === undefined ? body : undefined,
  });
  const signed = await signer.sign(request, {
    signingDate,
    signableHeaders: new Set(Object.keys(headers)),
  });
  return String(signed.headers.authorization).endsWith(`Signature=${signature}`);
}

/** Canned answers for the operations the tests call. */
function answer(path: string, res: ServerResponse): void {
  if (path === '/putMedia') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"EventType":"PERSISTED","FragmentTimecode":0,"FragmentNumber":"1"}\n');
    return;
  }
  if (path === '/getMedia') {
    res.writeHead(200, { 'content-type': 'video/webm' });
    res.end();
    return;
  }
  const bodies: Record<string, unknown> = {
    '/describeStream': { StreamInfo: { StreamName: 'stub', Status: 'ACTIVE', CreationTime: 1700000000.5 } },
    '/listStreams': { StreamInfoList: [{ StreamName: 'stub' }] },
  };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(bodies[path] ?? {}));
}

export async function startSigV4Stub(
  secrets: Record<string, string>,
  options: { tls?: boolean } = {},
): Promise<{ endpoint: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const path = new URL(req.url ?? '/', 'http://stub').pathname;
      const record: SeenRequest = {
        path,
        signed: req.headers.authorization !== undefined,
        headers: req.headers,
      };
      seen.push(record);
      void (async () => {
        if (record.signed) {
          record.valid = await verify(req, body, secrets, record);
          if (!record.valid) {
            res.writeHead(403, {
              'x-amzn-errortype': 'InvalidSignatureException',
              'content-type': 'application/json',
            });
            res.end(
              JSON.stringify({
                message: 'The request signature we calculated does not match the signature you provided.',
              }),
            );
            return;
          }
        }
        answer(path, res);
      })();
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: readFileSync(TLS_CERT), key: readFileSync(TLS_KEY) }, handler)
    : createHttpServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
