/**
 * An SDK middleware placed innermost (just above the HTTP handler, below the SDK's deserializer,
 * inside its retry loop): records each attempt's signed request and raw response, buffers the
 * body of non-streaming responses (so the CLI can print numbers and member order exactly as
 * received, and error messages as botocore parses them) and hands the bytes on unchanged.
 * With --debug it logs every request and response, as the AWS CLI's debug log does.
 */
import type { DebugLog } from '../debug-log.js';

export interface Exchange {
  attempts: number;
  url?: string;
  status?: number;
  headers?: Record<string, string>;
  /** Raw response body; undefined for successful streaming responses (never buffered). */
  body?: Buffer;
}

interface HttpRequestLike {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

interface HttpResponseLike {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = (args: { request: unknown }) => Promise<{ response: unknown; output?: unknown }>;

async function readAll(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const parts: Buffer[] = [];
  for await (const part of body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

export function captureMiddleware(exchange: Exchange, debug: DebugLog, streaming: boolean) {
  return (next: Handler) =>
    async (args: { request: unknown }): Promise<{ response: unknown; output?: unknown }> => {
      const req = args.request as HttpRequestLike;
      exchange.attempts++;
      // A retried attempt must not report the previous attempt's response.
      exchange.status = undefined;
      exchange.headers = undefined;
      exchange.body = undefined;
      const port = req.port ? `:${req.port}` : '';
      exchange.url = `${req.protocol}//${req.hostname}${port}${req.path}`;
      if (debug.enabled) {
        const body = typeof req.body === 'string' ? req.body : req.body ? '<binary>' : '';
        debug.log(
          'kvideo.endpoint',
          `Sending http request: <AWSPreparedRequest method=${req.method}, url=${exchange.url}, ` +
            `headers=${JSON.stringify(req.headers)}, body=${body}>`,
        );
      }
      const result = await next(args);
      const res = result.response as HttpResponseLike;
      exchange.status = res.statusCode;
      exchange.headers = res.headers;
      if (!streaming || res.statusCode >= 300) {
        exchange.body = await readAll(res.body);
        // A copy: the SDK re-types the body it is given (Uint8ArrayBlobAdapter.mutate).
        res.body = Buffer.from(exchange.body);
      }
      debug.log('kvideo.parsers', `Response headers: ${JSON.stringify(res.headers)}`);
      if (exchange.body) debug.log('kvideo.parsers', `Response body:\n${exchange.body.toString('utf8')}`);
      debug.log('kvideo.hooks', `HTTP Response Code: ${res.statusCode}`);
      return result;
    };
}
