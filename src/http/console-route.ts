/**
 * The web console's static shell (issue #13): `GET /` and `GET /streams/<name>` answer one small
 * HTML page, and `/console/*` its bundled script (built by scripts/build-console.mjs into
 * dist/console), stylesheet and the page's own copy of hls.js from node_modules/hls.js/dist.
 * Everything the page shows it fetches itself through the public KVS JSON APIs, signed in the
 * browser under --auth; so this module serves only files that hold no stream data and knows
 * nothing about streams, storage or authentication.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { GetRoute } from './observability-routes.js';
import { requestIdHeaders } from './responses.js';

export interface ConsoleOptions {
  /** Whether the page must ask for an access key (the server runs with --auth). */
  auth: boolean;
  /** Region the page scopes its signatures to (kvideo accepts any; this is the ARN's). */
  region: string;
}

const root = new URL('../../../', import.meta.url);
const require = createRequire(import.meta.url);

/** Built assets; read on first use so a server without a console build still starts. */
const ASSETS: Record<string, { type: string; file: () => string }> = {
  '/console/console.js': {
    type: 'application/javascript; charset=utf-8',
    file: () => new URL('dist/console/console.js', root).pathname,
  },
  '/console/console.css': {
    type: 'text/css; charset=utf-8',
    file: () => new URL('dist/console/console.css', root).pathname,
  },
  '/console/hls.min.js': {
    type: 'application/javascript; charset=utf-8',
    file: () => require.resolve('hls.js/dist/hls.min.js'),
  },
};

function escapeAttr(text: string): string {
  return text.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function shell(page: 'home' | 'stream', stream: string, options: ConsoleOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kvideo${stream ? ` · ${escapeAttr(stream)}` : ''}</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/hls.min.js"></script>
</head><body>
<div id="app" data-page="${page}" data-stream="${escapeAttr(stream)}" data-auth="${options.auth ? '1' : '0'}" data-region="${escapeAttr(options.region)}"></div>
<script type="module" src="/console/console.js"></script>
</body></html>
`;
}

/** The console's GET route for a path, or undefined when the path is not the console's. */
export function consoleRoutes(options: ConsoleOptions): (pathname: string) => GetRoute | undefined {
  const cache = new Map<string, Buffer>();
  return (pathname) => {
    const asset = ASSETS[pathname];
    let page: 'home' | 'stream' | undefined;
    let stream = '';
    if (pathname === '/') page = 'home';
    else if (pathname.startsWith('/streams/') && pathname.length > '/streams/'.length) {
      page = 'stream';
      try {
        stream = decodeURIComponent(pathname.slice('/streams/'.length));
      } catch {
        return undefined;
      }
    }
    if (!asset && !page) return undefined;
    return {
      public: true,
      operation: 'GetConsole',
      async handle(_req, res, ctx) {
        let body: Buffer;
        let type: string;
        if (asset) {
          let bytes = cache.get(pathname);
          if (!bytes) {
            try {
              bytes = readFileSync(asset.file());
            } catch {
              res.writeHead(404, { ...requestIdHeaders(ctx.requestId), 'Content-Type': 'text/plain' });
              res.end('console assets are not built: run `npm run build`\n');
              return;
            }
            cache.set(pathname, bytes);
          }
          body = bytes;
          type = asset.type;
        } else {
          body = Buffer.from(shell(page!, stream, options));
          type = 'text/html; charset=utf-8';
        }
        res.writeHead(200, {
          ...requestIdHeaders(ctx.requestId),
          'Content-Type': type,
          'Content-Length': body.length,
          'Cache-Control': 'no-cache',
          'X-Content-Type-Options': 'nosniff',
          // The page loads only its own files and talks only to this origin (no CDN, no network).
          'Content-Security-Policy':
            "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; worker-src 'self' blob:",
        });
        res.end(body);
      },
    };
  };
}
