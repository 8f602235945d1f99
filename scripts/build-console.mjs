// Bundles the web console (web/*.ts, with the AWS SDK's SigV4 signer) into dist/console with
// esbuild, and copies its stylesheet. Run by `npm run build` / `prepare` / `test` after `tsc -b`.
// hls.js is not bundled: kvideo serves node_modules/hls.js/dist/hls.min.js as the page's copy.
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url).pathname;
mkdirSync(`${root}dist/console`, { recursive: true });
await build({
  entryPoints: [`${root}web/main.ts`],
  outfile: `${root}dist/console/console.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync(`${root}web/console.css`, `${root}dist/console/console.css`);
