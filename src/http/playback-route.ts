/**
 * GET routes of the playback resources (`/hls/v1/*`, `/dash/v1/*`, spec §7.4–§7.5): plain GETs
 * authorised by the session token alone (never SigV4, as with KVS), with CORS on every response
 * and preflight so a page on another origin can play a session URL.
 *
 * Owns: the HTTP side of playback (method, CORS, caching headers, errors). Must not know: sessions,
 * playlists, packaging (src/playback).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KvsError } from '../core/errors.js';
import type { ActionServices, RequestContext } from '../actions/index.js';
import type { Protocol } from '../playback/index.js';
import { requestIdHeaders, sendError, toKvsError } from './responses.js';

const PREFIXES: Record<string, Protocol> = { '/hls/v1/': 'hls', '/dash/v1/': 'dash' };

/** The protocol and resource name of a playback path, or undefined for any other path. */
export function playbackPath(pathname: string): { protocol: Protocol; name: string } | undefined {
  for (const [prefix, protocol] of Object.entries(PREFIXES)) {
    if (pathname.startsWith(prefix)) return { protocol, name: pathname.slice(prefix.length) };
  }
  return undefined;
}

const CORS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Expose-Headers': 'x-amzn-RequestId, x-amzn-ErrorType, Content-Length, Content-Type',
  'Access-Control-Max-Age': '86400',
};

export async function servePlayback(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  services: ActionServices,
  target: { protocol: Protocol; name: string },
): Promise<void> {
  for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
  ctx.logFields.operation = target.name.replace(/\.[a-z0-9]+$/, '');
  try {
    if (req.method === 'OPTIONS') {
      const asked = req.headers['access-control-request-headers'];
      res.writeHead(204, {
        ...requestIdHeaders(ctx.requestId),
        'Access-Control-Allow-Headers': typeof asked === 'string' && asked !== '' ? asked : '*',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      throw new KvsError(
        'InvalidArgumentException',
        `${req.method} is not supported on playback resources.`,
        405,
      );
    }
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const result = await services.playback.resources.get(target.protocol, target.name, query);
    const body = typeof result.body === 'string' ? Buffer.from(result.body) : result.body;
    res.writeHead(200, {
      ...requestIdHeaders(ctx.requestId),
      'Content-Type': result.contentType,
      'Content-Length': body.byteLength,
      'Cache-Control': result.immutable ? 'max-age=86400, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (err) {
    const kvsError = toKvsError(err);
    if (kvsError.status >= 500)
      services.logger.error({ requestId: ctx.requestId, err }, 'playback request failed');
    ctx.logFields.error = kvsError.code;
    sendError(res, ctx.requestId, kvsError);
  }
}
