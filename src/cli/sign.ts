/**
 * SigV4 signing of raw HTTP requests (service `kinesisvideo`) with the AWS SDK's own signer,
 * for PutMedia, which no AWS SDK client models. The body is streamed, so the payload hash is
 * that of the empty string, as the KVS producer libraries send it (spec §4). Credentials come
 * from the CLI session (src/cli/aws/session.ts), i.e. the same chain as every other command.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignOptions {
  region: string;
  credentials: () => Promise<Credentials>;
}

/** Returns the headers to send, including Authorization and X-Amz-Date. */
export async function signStreamingRequest(
  url: URL,
  headers: Record<string, string>,
  options: SignOptions,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'kinesisvideo',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { ...headers, host: url.host, 'x-amz-content-sha256': EMPTY_SHA256 },
  });
  const signed = await signer.sign(request);
  return signed.headers;
}
