/**
 * The HTTP request handler: routing, request ids, SigV4 authentication and authorization (when
 * configured), JSON decoding and validation, dispatch to the action registry, response
 * serialisation with backpressure, and one structured log line per request. The only code that
 * touches req/res (design.md §6).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { operations, shapes, validateInput, type OperationName } from '../api/index.js';
import { AuthError, streamNameOfArn, type Authenticator, type AuthzResource } from '../auth/index.js';
import { KvsError } from '../core/errors.js';
import {
  actions,
  isMediaResult,
  type Action,
  type ActionServices,
  type RequestContext,
} from '../actions/index.js';
import { parseJsonBody, readBodyBytes } from './json-body.js';
import type { GetRoute } from './observability-routes.js';
import { requestIdHeaders, sendError, sendJson, toKvsError } from './responses.js';
import { routeOperation } from './router.js';

/** Extra routes outside the generated table (PutMedia), keyed by path. */
export type RawRoute = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void>;

export interface HandlerOptions {
  services: ActionServices;
  rawRoutes?: Record<string, RawRoute>;
  /** Plain GET endpoints outside the API table (/metrics, /health), keyed by path. */
  getRoutes?: Record<string, GetRoute>;
  /** SigV4 enforcement (`kvideo serve --auth`); absent = any credentials are accepted. */
  auth?: Authenticator;
  /**
   * A JSON request body must be complete this long after the request started (defence against
   * slow-body clients; PutMedia bodies are exempt, they have the 30 s idle rule). Default 60 s.
   */
  jsonBodyTimeoutMs?: number;
}

export const DEFAULT_JSON_BODY_TIMEOUT_MS = 60_000;
/** After a 408/413, how long the rest of the body may take to drain before the socket is dropped. */
const DRAIN_MS = 1000;

/** The stream names a request touches, for per-key stream restrictions (src/auth). */
function authzResource(fields: { name?: unknown; arns: unknown[] }): AuthzResource {
  const streams: string[] = [];
  let display: string | undefined;
  if (typeof fields.name === 'string') {
    streams.push(fields.name);
    display = fields.name;
  }
  for (const arn of fields.arns) {
    if (typeof arn !== 'string') continue;
    // An ARN that names no stream matches no pattern (only a catch-all key may use it).
    streams.push(streamNameOfArn(arn) ?? arn);
    display = arn;
  }
  return display === undefined ? { streams } : { streams, display };
}

function jsonResource(body: unknown): AuthzResource {
  if (typeof body !== 'object' || body === null) return { streams: [] };
  const { StreamName, StreamARN, ResourceARN } = body as Record<string, unknown>;
  return authzResource({ name: StreamName, arns: [StreamARN, ResourceARN] });
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads the JSON body's bytes, failing with 408 if they do not all arrive in time. */
async function readBodyWithin(req: IncomingMessage, ms: number): Promise<Buffer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new KvsError('RequestTimeoutException', 'Timed out reading the request body.', 408)),
      ms,
    );
  });
  try {
    return await Promise.race([readBodyBytes(req), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function streamFields(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null) return {};
  const { StreamName, StreamARN, ResourceARN } = input as Record<string, unknown>;
  const stream = StreamName ?? StreamARN ?? ResourceARN;
  return stream === undefined ? {} : { stream };
}

async function dispatch(
  operation: OperationName,
  body: unknown,
  res: ServerResponse,
  services: ActionServices,
  ctx: RequestContext,
): Promise<void> {
  const action: Action | undefined = (actions as Partial<Record<OperationName, Action>>)[operation];
  if (!action) {
    throw new KvsError(
      'NotImplementedException',
      `kvideo does not implement the ${operation} operation.`,
      501,
    );
  }
  const def = operations[operation];
  Object.assign(ctx.logFields, streamFields(body));
  const input = def.input ? validateInput(shapes[def.service], def.input, body) : {};
  const result = await action(input, services, ctx);
  if (!isMediaResult(result)) {
    sendJson(res, ctx.requestId, result);
    return;
  }
  res.writeHead(200, { ...requestIdHeaders(ctx.requestId), 'Content-Type': result.contentType });
  res.flushHeaders();
  const stream = typeof ctx.logFields.stream === 'string' ? ctx.logFields.stream : '';
  result.body.on('data', (piece: Uint8Array) =>
    services.metrics.outgoingBytes(operation, stream, piece.length),
  );
  try {
    await pipeline(result.body, res);
  } catch (err) {
    // The client went away or the source failed mid-stream; the status is already sent.
    result.body.destroy();
    if (!res.destroyed) res.destroy(err as Error);
  }
}

export function createRequestHandler(options: HandlerOptions) {
  const { services, auth } = options;
  const rawRoutes = options.rawRoutes ?? {};
  const jsonBodyTimeoutMs = options.jsonBodyTimeoutMs ?? DEFAULT_JSON_BODY_TIMEOUT_MS;

  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const requestId = randomUUID();
    const abort = new AbortController();
    const ctx: RequestContext = { requestId, signal: abort.signal, logFields: {} };
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const raw = req.method === 'POST' ? rawRoutes[pathname] : undefined;
    const get = req.method === 'GET' || req.method === 'HEAD' ? options.getRoutes?.[pathname] : undefined;
    const operation = raw || get ? undefined : routeOperation(req.method ?? '', pathname);
    ctx.logFields.operation = get ? get.operation : raw ? pathname.slice(1) : (operation ?? 'unknown');

    // Sockets are half-open capable for PutMedia producers (see src/server.ts), so a client that
    // hangs up is otherwise noticed only on the next write. Outside PutMedia, a client's FIN means
    // it is gone: end the request (e.g. a GetMedia reader idle at the live edge frees its slot).
    const onClientEnd = (): void => {
      abort.abort(new Error('client hung up'));
      res.destroy();
    };
    if (!raw) req.socket.once('end', onClientEnd);

    res.on('close', () => {
      req.socket.off('end', onClientEnd);
      abort.abort(new Error('connection closed'));
      // Log fields come from the request before validation: only strings are used as labels.
      const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
      const op = text(ctx.logFields.operation) ?? 'unknown';
      const opName = op.charAt(0).toUpperCase() + op.slice(1);
      const stream = text(ctx.logFields.stream);
      if (!get)
        services.metrics.request(opName, stream, text(ctx.logFields.error), performance.now() - started);
      services.logger.info({
        requestId,
        ...ctx.logFields,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });

    const run = async (): Promise<void> => {
      if (get) {
        if (auth && !get.public) {
          const principal = await auth.authenticate({
            method: req.method ?? '',
            url: req.url ?? '/',
            headers: req.headersDistinct,
            body: Buffer.alloc(0),
          });
          auth.authorize(principal, get.operation, { streams: [] });
        }
        return get.handle(req, res, ctx);
      }
      if (raw) {
        if (auth) {
          // Streaming body (PutMedia): signed with the empty-string hash or a declared
          // x-amz-content-sha256 (spec §4); the body is never read for the signature.
          const principal = await auth.authenticate({
            method: req.method ?? '',
            url: req.url ?? '/',
            headers: req.headersDistinct,
            body: 'streaming',
          });
          const name = pathname.slice(1);
          auth.authorize(
            principal,
            name.charAt(0).toUpperCase() + name.slice(1),
            authzResource({
              name: headerValue(req, 'x-amzn-stream-name'),
              arns: [headerValue(req, 'x-amzn-stream-arn')],
            }),
          );
        }
        return raw(req, res, ctx);
      }
      const bytes = await readBodyWithin(req, jsonBodyTimeoutMs);
      // Authentication comes first (AWS answers 403 before routing or validating).
      const principal = auth
        ? await auth.authenticate({
            method: req.method ?? '',
            url: req.url ?? '/',
            headers: req.headersDistinct,
            body: bytes,
          })
        : undefined;
      if (!operation) {
        throw new KvsError(
          'UnknownOperationException',
          `No operation matches ${req.method} ${pathname}.`,
          404,
        );
      }
      const body = parseJsonBody(bytes);
      if (auth && principal) auth.authorize(principal, operation, jsonResource(body));
      return dispatch(operation, body, res, services, ctx);
    };

    run().catch((err: unknown) => {
      const kvsError = toKvsError(err);
      if (kvsError.status >= 500) services.logger.error({ requestId, err }, 'request failed');
      ctx.logFields.error = kvsError.code;
      // Drain what the client is still sending so the error can be read on a kept-alive socket.
      req.resume();
      // Authentication failures come from the generic AWS front end: lowercase `message` (spec §1.5).
      sendError(res, requestId, kvsError, kvsError instanceof AuthError ? 'message' : 'Message');
      if ((kvsError.status === 408 || kvsError.status === 413) && !req.complete) {
        // A body too slow (408) or too large (413) to read is drained only for a moment: a
        // client that keeps trickling or flooding loses the connection after DRAIN_MS.
        const socket = res.socket ?? req.socket;
        const timer = setTimeout(() => socket?.destroy(), DRAIN_MS);
        const drained = (): void => {
          clearTimeout(timer);
          socket?.off('close', drained);
        };
        req.once('end', drained);
        socket?.once('close', drained);
      }
    });
  };
}
