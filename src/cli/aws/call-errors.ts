/**
 * Failed calls in the AWS CLI's words. Service errors follow botocore's rest-json error parsing
 * (code from `x-amzn-ErrorType`, else body `code`/`Code`/`__type`, namespace stripped; message
 * from body `message`/`Message`; the HTTP reason phrase for empty or HTML 5xx bodies) and
 * botocore's ClientError text, including ` (reached max retries: N)` after retries. Transport
 * failures use botocore's exception messages (`Read timeout on endpoint URL: "..."` and so on).
 */
import { STATUS_CODES } from 'node:http';
import { CliError } from '../errors.js';
import type { Exchange } from './capture.js';

const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);
const CLOSED_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const TLS_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/;

function parseJsonBody(body: Buffer | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body?.toString('utf8') ?? '');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** botocore's (code, message) of an HTTP error response. */
export function errorCodeAndMessage(
  status: number,
  headers: Record<string, string>,
  body: Buffer | undefined,
) {
  const text = body?.toString('utf8') ?? '';
  if (status >= 500 && (text.trim() === '' || text.trimStart().startsWith('<'))) {
    return { code: String(status), message: STATUS_CODES[status] ?? '' };
  }
  const json = parseJsonBody(body);
  const message = String(json.message ?? json.Message ?? '');
  let code: unknown = String(json.__type ?? status);
  const header = Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-amzn-errortype')?.[1];
  if (header !== undefined) code = header;
  else if ('code' in json || 'Code' in json) code = json.code ?? json.Code;
  const codeText = String(code).split(':', 1)[0]!.split('#').at(-1)!;
  return { code: codeText, message };
}

export function serviceErrorMessage(operation: string, exchange: Exchange): string {
  const { code, message } = errorCodeAndMessage(exchange.status!, exchange.headers ?? {}, exchange.body);
  const retries = exchange.attempts > 1 ? ` (reached max retries: ${exchange.attempts - 1})` : '';
  return `An error occurred (${code}) when calling the ${operation} operation${retries}: ${message}`;
}

/** A transport failure (no HTTP response) in botocore's words, or undefined if not one. */
export function transportErrorMessage(err: unknown, url: string): string | undefined {
  const e = err as NodeJS.ErrnoException & { name?: string };
  const code = e.code ?? '';
  if (e.name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return /establish a connection|connect/i.test(e.message)
      ? `Connect timeout on endpoint URL: "${url}"`
      : `Read timeout on endpoint URL: "${url}"`;
  }
  if (CONNECT_ERRORS.has(code)) return `Could not connect to the endpoint URL: "${url}"`;
  if (TLS_ERROR.test(code)) return `SSL validation failed for ${url} ${e.message}`;
  if (CLOSED_ERRORS.has(code) || /socket hang up|aborted/i.test(e.message)) {
    return `Connection was closed before we received a valid response from endpoint URL: "${url}".`;
  }
  return undefined;
}

/** A failed call: the service answered with an error (status, code) or the transport failed. */
export class CallError extends CliError {
  constructor(
    message: string,
    readonly transport: boolean,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function describeCallError(err: unknown, operation: string, exchange: Exchange): CliError {
  if (exchange.status !== undefined && exchange.status >= 300 && exchange.body !== undefined) {
    const { code } = errorCodeAndMessage(exchange.status, exchange.headers ?? {}, exchange.body);
    return new CallError(serviceErrorMessage(operation, exchange), false, exchange.status, code);
  }
  const transport = transportErrorMessage(err, exchange.url ?? '');
  if (transport) return new CallError(transport, true);
  if ((err as Error)?.name === 'AbortError') return new CallError('aborted', true);
  return new CliError(err instanceof Error ? err.message : String(err));
}
