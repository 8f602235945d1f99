/**
 * Entry point of spawnServerWith(): createKvideoServer(JSON options from argv[2]) on 127.0.0.1:0.
 * Without an argument (e.g. picked up by `node --test dist/test/security/`) it does nothing.
 */
import { createKvideoServer, type KvideoOptions } from '../../src/server.js';

const arg = process.argv[2];
if (arg !== undefined) {
  const kvideo = await createKvideoServer(JSON.parse(arg) as KvideoOptions);
  const origin = await kvideo.listen(0, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ origin })}\n`);
  process.on('SIGTERM', () => {
    void kvideo.close().then(() => process.exit(0));
  });
}
