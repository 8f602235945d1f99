/**
 * GET /metrics (Prometheus text format) and GET /health (for load balancers), outside the KVS
 * API table. /health is always public: it names no stream and a balancer cannot sign requests.
 * /metrics carries stream names, so with --auth it needs a SigV4-signed request from a key
 * allowed the pseudo-operation `GetMetrics` on all streams (e.g. `curl --aws-sigv4`), unless the
 * server was started with --metrics-public (Prometheus cannot sign its scrapes). `GET /` stays
 * free for the web console.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../actions/index.js';
import { requestIdHeaders } from './responses.js';

export interface GetRoute {
  /** Served without authentication even when --auth is on. */
  public: boolean;
  /** The operation name checked against a key's allowed actions when authentication applies. */
  operation: string;
  handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void>;
}

export interface HealthReport {
  ok: boolean;
  [key: string]: unknown;
}

export const METRICS_PATH = '/metrics';
export const HEALTH_PATH = '/health';

export function metricsRoute(
  scrape: () => Promise<{ contentType: string; body: string }>,
  isPublic: boolean,
): GetRoute {
  return {
    public: isPublic,
    operation: 'GetMetrics',
    async handle(_req, res, ctx) {
      const { contentType, body } = await scrape();
      res.writeHead(200, { ...requestIdHeaders(ctx.requestId), 'Content-Type': contentType });
      res.end(body);
    },
  };
}

export function healthRoute(check: () => Promise<HealthReport>): GetRoute {
  return {
    public: true,
    operation: 'GetHealth',
    async handle(_req, res, ctx) {
      const report = await check();
      const { ok, ...rest } = report;
      const body = JSON.stringify({ status: ok ? 'ok' : 'unhealthy', ...rest });
      res.writeHead(ok ? 200 : 503, {
        ...requestIdHeaders(ctx.requestId),
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
      });
      res.end(body);
    },
  };
}
