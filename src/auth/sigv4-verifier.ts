/**
 * SigV4 verification (spec §4) for header auth (`Authorization: AWS4-HMAC-SHA256 ...`) and
 * query-string auth (presigned URLs). The canonical request is rebuilt from exactly the headers
 * the client lists in SignedHeaders, canonicalised and signed by @smithy/signature-v4 (the
 * signer the AWS SDK itself uses), and the result is compared in constant time.
 *
 * Payload hash (spec §4). JSON operations: always the SHA-256 of the body bytes actually received,
 * whatever `x-amz-content-sha256` declares, so a captured request cannot be replayed with another
 * body (issue #11); a declared value that differs makes the signature fail. Streamed bodies
 * (PutMedia, not read here): the declared value verbatim when it is one of the forms producers use
 * without signing the body (the empty-string hash, UNSIGNED-PAYLOAD, the Java client's
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD); any other declared 64-hex hash is accepted for the
 * signature and returned as `Principal.bodySha256`, which the caller must check against the body;
 * without the header, the empty-string hash, then UNSIGNED-PAYLOAD. Must not know about node:http
 * objects: callers pass plain values.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { ALGORITHM_IDENTIFIER, SignatureV4, getCanonicalHeaders } from '@smithy/signature-v4';
import type { Clock } from '../core/clock.js';
import type { CredentialEntry, CredentialStore } from './credentials.js';
import {
  incompleteSignature,
  invalidSignature,
  missingAuthenticationToken,
  unrecognizedClient,
} from './errors.js';

export const SIGNING_SERVICE = 'kinesisvideo';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** The Java SDK v1 PutMedia client's marker; its body is plain chunked MKV, not aws-chunked (spec §4). */
export const STREAMING_PAYLOAD = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
/** Declared payload hashes that leave a streamed (PutMedia) body unsigned. */
const UNSIGNED_STREAMING_FORMS = new Set([EMPTY_SHA256, UNSIGNED_PAYLOAD, STREAMING_PAYLOAD]);
const SHA256_HEX_RE = /^[0-9a-f]{64}$/;
/** KVS rejects signatures more than 5 minutes off ("... - 5 min.", spec §4). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** SigV4 presigned URLs live at most one week. */
export const MAX_PRESIGNED_EXPIRES_S = 7 * 24 * 3600;

export interface SignedRequest {
  method: string;
  /** The request target exactly as sent: raw (still percent-encoded) path plus optional `?query`. */
  url: string;
  /** Lowercase header names to all their values (node's `req.headersDistinct`). */
  headers: Record<string, string[] | undefined>;
  /** The body bytes (JSON operations), or `streaming` for a body that is not read (PutMedia). */
  body: Uint8Array | 'streaming';
}

/** A successfully verified request: who signed it. */
export interface Principal {
  entry: CredentialEntry;
  /** Scope region of the signature (kvideo accepts any region). */
  region: string;
  /**
   * Streamed bodies only: the signed SHA-256 (hex) the body must have. The signature covers this
   * declared value, not the bytes, so the caller must hash the body and refuse it on a mismatch.
   */
  bodySha256?: string;
}

interface ParsedAuth {
  mode: 'header' | 'query';
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** X-Amz-Date value (YYYYMMDD'T'HHMMSS'Z'). */
  longDate: string;
  /** X-Amz-Expires in seconds, when given. */
  expiresS?: number;
  sessionToken?: string;
}

type Query = Record<string, string[]>;

/** Splits a raw query string; `+` stays a literal plus (SigV4 clients percent-encode spaces). */
function parseQuery(raw: string): Query {
  const query: Query = {};
  if (raw === '') return query;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    (query[key] ??= []).push(value);
  }
  return query;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function first(values: string[] | undefined): string | undefined {
  return values?.[0];
}

const LONG_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseLongDate(longDate: string): number | undefined {
  const m = LONG_DATE_RE.exec(longDate);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isFinite(ms) ? ms : undefined;
}

function formatLongDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** `Credential=AKID/20240101/us-west-2/kinesisvideo/aws4_request` → its five parts. */
function parseCredential(
  credential: string,
): Pick<ParsedAuth, 'accessKeyId' | 'scopeDate' | 'region' | 'service'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts.some((p) => p === '')) {
    throw incompleteSignature(
      `Credential should be scoped to a valid region, a service and the terminator 'aws4_request'; got '${credential}'.`,
    );
  }
  const [accessKeyId, scopeDate, region, service] = parts as [string, string, string, string, string];
  return { accessKeyId, scopeDate, region, service };
}

function parseHeaderAuth(authorization: string, headers: SignedRequest['headers'], query: Query): ParsedAuth {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM_IDENTIFIER) {
    throw incompleteSignature(
      `Unsupported authorization type '${algorithm}'; expected ${ALGORITHM_IDENTIFIER}.`,
    );
  }
  const fields: Record<string, string> = {};
  for (const part of authorization.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !fields[k]);
  if (missing.length > 0) {
    throw incompleteSignature(
      missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' ') +
        ` Authorization=${authorization.slice(0, 200)}`,
    );
  }
  let longDate = first(headers['x-amz-date']);
  if (longDate === undefined) {
    // SigV4 also allows the Date header (RFC 1123) instead of X-Amz-Date.
    const date = Date.parse(first(headers.date) ?? '');
    if (!Number.isFinite(date)) {
      throw incompleteSignature(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    longDate = formatLongDate(date);
  }
  const expires = first(query['X-Amz-Expires']);
  const token = first(headers['x-amz-security-token']) ?? first(query['X-Amz-Security-Token']);
  return {
    mode: 'header',
    ...parseCredential(fields.Credential!),
    signedHeaders: fields.SignedHeaders!.split(';'),
    signature: fields.Signature!,
    longDate,
    ...(expires !== undefined ? { expiresS: parseExpires(expires) } : {}),
    ...(token !== undefined ? { sessionToken: token } : {}),
  };
}

function parseExpires(text: string): number {
  const expires = Number(text);
  if (!/^\d+$/.test(text) || expires < 1 || expires > MAX_PRESIGNED_EXPIRES_S) {
    throw incompleteSignature(
      `X-Amz-Expires must be an integer between 1 and ${MAX_PRESIGNED_EXPIRES_S} seconds; got '${text}'.`,
    );
  }
  return expires;
}

function parseQueryAuth(query: Query, headers: SignedRequest['headers']): ParsedAuth {
  const required = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ] as const;
  const missing = required.filter((k) => !first(query[k]));
  if (missing.length > 0) {
    throw incompleteSignature(
      missing.map((k) => `AWS query-string parameters must include '${k}'.`).join(' ') +
        ' Re-examine the query-string parameters.',
    );
  }
  const algorithm = first(query['X-Amz-Algorithm'])!;
  if (algorithm !== ALGORITHM_IDENTIFIER) {
    throw incompleteSignature(
      `Unsupported X-Amz-Algorithm '${algorithm}'; expected ${ALGORITHM_IDENTIFIER}.`,
    );
  }
  const expires = first(query['X-Amz-Expires']);
  const token = first(query['X-Amz-Security-Token']) ?? first(headers['x-amz-security-token']);
  return {
    mode: 'query',
    ...parseCredential(first(query['X-Amz-Credential'])!),
    signedHeaders: first(query['X-Amz-SignedHeaders'])!.split(';'),
    signature: first(query['X-Amz-Signature'])!,
    longDate: first(query['X-Amz-Date'])!,
    // A presigned URL without X-Amz-Expires is still bounded by the clock-skew window.
    ...(expires !== undefined ? { expiresS: parseExpires(expires) } : {}),
    ...(token !== undefined ? { sessionToken: token } : {}),
  };
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // Compare equal-length buffers always, so the timing does not reveal the length either.
  const same = timingSafeEqual(
    createHash('sha256').update(x).digest(),
    createHash('sha256').update(y).digest(),
  );
  return same && x.length === y.length;
}

/** Exposes the signer's canonical-request steps, so the verifier uses the SDK's exact rules. */
class CanonicalSigner extends SignatureV4 {
  constructor(entry: CredentialEntry, region: string) {
    super({
      service: SIGNING_SERVICE,
      region,
      credentials: { accessKeyId: entry.accessKeyId, secretAccessKey: entry.secretAccessKey },
      sha256: Sha256,
      applyChecksum: false,
    });
  }

  async signatureOf(
    request: HttpRequest,
    canonicalHeaders: Record<string, string>,
    payloadHash: string,
    auth: ParsedAuth,
    signingDate: Date,
  ): Promise<string> {
    const canonical = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/aws4_request`;
    const stringToSign = await this.createStringToSign(auth.longDate, scope, canonical, ALGORITHM_IDENTIFIER);
    return this.sign(stringToSign, {
      signingDate,
      signingRegion: auth.region,
      signingService: auth.service,
    });
  }
}

export class SigV4Verifier {
  readonly #store: CredentialStore;
  readonly #clock: Clock;

  constructor(store: CredentialStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Resolves with the signer, or rejects with an AuthError (403) saying what is wrong. */
  async verify(request: SignedRequest): Promise<Principal> {
    const q = request.url.indexOf('?');
    const rawPath = q < 0 ? request.url : request.url.slice(0, q);
    const query = parseQuery(q < 0 ? '' : request.url.slice(q + 1));
    const authorization = first(request.headers.authorization);
    let auth: ParsedAuth;
    if (authorization !== undefined) auth = parseHeaderAuth(authorization, request.headers, query);
    else if (query['X-Amz-Signature'] || query['X-Amz-Credential'] || query['X-Amz-Algorithm'])
      auth = parseQueryAuth(query, request.headers);
    else throw missingAuthenticationToken();

    if (auth.service !== SIGNING_SERVICE) {
      throw invalidSignature(`Credential should be scoped to correct service: '${SIGNING_SERVICE}'. `);
    }
    const signedAt = parseLongDate(auth.longDate);
    if (signedAt === undefined) {
      throw incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${auth.longDate}'.`);
    }
    if (auth.scopeDate !== auth.longDate.slice(0, 8)) {
      throw invalidSignature(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
          `'${auth.scopeDate}' != '${auth.longDate.slice(0, 8)}', from '${auth.longDate}'.`,
      );
    }
    if (!auth.signedHeaders.includes('host')) {
      throw incompleteSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }

    const entry = this.#store.lookup(auth.accessKeyId);
    if (!entry) throw unrecognizedClient();
    if (entry.sessionToken !== undefined) {
      if (auth.sessionToken === undefined || !constantTimeEqual(auth.sessionToken, entry.sessionToken)) {
        throw unrecognizedClient();
      }
    }
    this.#checkTime(signedAt, auth);

    const httpRequest = new HttpRequest({
      method: request.method,
      hostname: '',
      path: rawPath,
      query: Object.fromEntries(
        Object.entries(query).map(([k, v]) => [k, v.length === 1 ? v[0]! : v] as const),
      ),
      headers: {},
    });
    const present: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      const values = request.headers[name];
      if (values !== undefined) present[name] = values.map((v) => v.trim()).join(',');
    }
    const canonicalHeaders = getCanonicalHeaders(
      { ...httpRequest, headers: present },
      undefined,
      new Set(auth.signedHeaders),
    );
    const signer = new CanonicalSigner(entry, auth.region);
    const signingDate = new Date(signedAt);
    for (const payloadHash of this.#payloadHashes(request)) {
      const expected = await signer.signatureOf(
        httpRequest,
        canonicalHeaders,
        payloadHash,
        auth,
        signingDate,
      );
      if (!constantTimeEqual(expected, auth.signature)) continue;
      const mustCheckBody = request.body === 'streaming' && !UNSIGNED_STREAMING_FORMS.has(payloadHash);
      return mustCheckBody
        ? { entry, region: auth.region, bodySha256: payloadHash }
        : { entry, region: auth.region };
    }
    throw invalidSignature();
  }

  #checkTime(signedAt: number, auth: ParsedAuth): void {
    const now = this.#clock.now();
    const fmt = formatLongDate;
    if (signedAt > now + MAX_CLOCK_SKEW_MS) {
      throw invalidSignature(
        `Signature not yet current: ${auth.longDate} is still later than ` +
          `${fmt(now + MAX_CLOCK_SKEW_MS)} (${fmt(now)} + 5 min.)`,
      );
    }
    if (auth.mode === 'header' && signedAt < now - MAX_CLOCK_SKEW_MS) {
      throw invalidSignature(
        `Signature expired: ${auth.longDate} is now earlier than ${fmt(now - MAX_CLOCK_SKEW_MS)} (${fmt(now)} - 5 min.)`,
      );
    }
    // Presigned URLs live X-Amz-Expires seconds (the 5-minute window when absent).
    const expiresAt = auth.expiresS !== undefined ? signedAt + auth.expiresS * 1000 : undefined;
    const deadline = expiresAt ?? signedAt + MAX_CLOCK_SKEW_MS;
    if ((auth.mode === 'query' || expiresAt !== undefined) && now > deadline) {
      throw invalidSignature(`Signature expired: ${fmt(deadline)} is now earlier than ${fmt(now)}.`);
    }
  }

  *#payloadHashes(request: SignedRequest): Iterable<string> {
    if (request.body !== 'streaming') {
      // The bytes received, never a declared value: UNSIGNED-PAYLOAD and the streaming forms are
      // for PutMedia only (spec §4), and a declared hash must match what was received.
      yield createHash('sha256').update(request.body).digest('hex');
      return;
    }
    const declared = first(request.headers['x-amz-content-sha256']);
    if (declared === undefined) {
      yield EMPTY_SHA256;
      yield UNSIGNED_PAYLOAD;
    } else if (UNSIGNED_STREAMING_FORMS.has(declared) || SHA256_HEX_RE.test(declared)) {
      yield declared;
    }
    // Anything else (aws-chunked trailer forms, garbage) matches no signature.
  }
}
