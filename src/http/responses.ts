/**
 * The one place KvsErrors and JSON results become HTTP responses (design.md §5): status,
 * `x-amzn-RequestId`, `x-amzn-ErrorType` (plus the `x-amz-` spellings the docs use, spec §1.5),
 * and a `{"Message": ...}` body. Unexpected errors become a 500 InternalFailure without detail.
 */
import type { ServerResponse } from 'node:http';
import { KvsError } from '../core/errors.js';

export function requestIdHeaders(requestId: string): Record<string, string> {
  return { 'x-amzn-RequestId': requestId, 'x-amz-RequestId': requestId };
}

export function sendJson(res: ServerResponse, requestId: string, body: object): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(200, {
    ...requestIdHeaders(requestId),
    'Content-Type': 'application/json',
    'Content-Length': payload.length,
  });
  res.end(payload);
}

export function toKvsError(err: unknown): KvsError {
  if (err instanceof KvsError) return err;
  return new KvsError(
    'InternalFailure',
    'The request processing has failed because of an unknown error.',
    500,
  );
}

export function sendError(
  res: ServerResponse,
  requestId: string,
  err: KvsError,
  messageKey: 'Message' | 'message' = 'Message',
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const payload = Buffer.from(JSON.stringify({ [messageKey]: err.message }));
  res.writeHead(err.status, {
    ...requestIdHeaders(requestId),
    'x-amzn-ErrorType': err.code,
    'x-amz-ErrorType': err.code,
    'Content-Type': 'application/json',
    'Content-Length': payload.length,
  });
  res.end(payload);
}
