/**
 * The HTTP request handler: routing, request ids, JSON decoding and validation, dispatch to the
 * action registry, response serialisation with backpressure, and one structured log line per
 * request. The only code that touches req/res (design.md §6).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { operations, shapes, validateInput, type OperationName } from '../api/index.js';
import { KvsError } from '../core/errors.js';
import {
  actions,
  isMediaResult,
  type Action,
  type ActionServices,
  type RequestContext,
} from '../actions/index.js';
import { readJsonBody } from './json-body.js';
import { requestIdHeaders, sendError, sendJson, toKvsError } from './responses.js';
import { routeOperation } from './router.js';

/** Extra routes outside the generated table (PutMedia), keyed by path. */
export type RawRoute = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void>;

export interface HandlerOptions {
  services: ActionServices;
  rawRoutes?: Record<string, RawRoute>;
}

function streamFields(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null) return {};
  const { StreamName, StreamARN, ResourceARN } = input as Record<string, unknown>;
  const stream = StreamName ?? StreamARN ?? ResourceARN;
  return stream === undefined ? {} : { stream };
}

async function dispatch(
  operation: OperationName,
  req: IncomingMessage,
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
  const body = await readJsonBody(req);
  Object.assign(ctx.logFields, streamFields(body));
  const input = def.input ? validateInput(shapes[def.service], def.input, body) : {};
  const result = await action(input, services, ctx);
  if (!isMediaResult(result)) {
    sendJson(res, ctx.requestId, result);
    return;
  }
  res.writeHead(200, { ...requestIdHeaders(ctx.requestId), 'Content-Type': result.contentType });
  res.flushHeaders();
  try {
    await pipeline(result.body, res);
  } catch (err) {
    // The client went away or the source failed mid-stream; the status is already sent.
    result.body.destroy();
    if (!res.destroyed) res.destroy(err as Error);
  }
}

export function createRequestHandler(options: HandlerOptions) {
  const { services } = options;
  const rawRoutes = options.rawRoutes ?? {};

  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const requestId = randomUUID();
    const abort = new AbortController();
    const ctx: RequestContext = { requestId, signal: abort.signal, logFields: {} };
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const raw = req.method === 'POST' ? rawRoutes[pathname] : undefined;
    const operation = raw ? undefined : routeOperation(req.method ?? '', pathname);
    ctx.logFields.operation = raw ? pathname.slice(1) : (operation ?? 'unknown');

    res.on('close', () => {
      abort.abort(new Error('connection closed'));
      services.logger.info({
        requestId,
        ...ctx.logFields,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });

    const run = async (): Promise<void> => {
      if (raw) return raw(req, res, ctx);
      if (!operation) {
        throw new KvsError(
          'UnknownOperationException',
          `No operation matches ${req.method} ${pathname}.`,
          404,
        );
      }
      return dispatch(operation, req, res, services, ctx);
    };

    run().catch((err: unknown) => {
      const kvsError = toKvsError(err);
      if (kvsError.status >= 500) services.logger.error({ requestId, err }, 'request failed');
      ctx.logFields.error = kvsError.code;
      // Drain what the client is still sending so the error can be read on a kept-alive socket.
      req.resume();
      sendError(res, requestId, kvsError);
    });
  };
}
