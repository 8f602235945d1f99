/**
 * GetImages latency on the H.264 fixtures (node dist/bench/get-images.js): one in-process server,
 * each case run 5 times through the SDK, median/min/max printed with the machine load, since on
 * a shared machine the figures mean little without it. Also times one /metrics scrape.
 * Not wired into bench/run.ts (it needs ffmpeg and measures decoding, not the server's I/O).
 */
import { loadavg } from 'node:os';
import {
  GetImagesCommand,
  KinesisVideoArchivedMediaClient,
  type GetImagesCommandInput,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { ingestFixture } from '../test/helpers/images.js';
import { startServer, TEST_CREDENTIALS, TEST_REGION } from '../test/helpers/server.js';

const START = 1_700_000_000;
const at = (s: number): Date => new Date((START + s) * 1000);

const CASES: [string, Partial<GetImagesCommandInput>][] = [
  ['1 JPEG 320x240', { StartTimestamp: at(1.5), EndTimestamp: at(1.5), Format: 'JPEG' }],
  [
    '4 JPEG, 1 s apart (4 ffmpeg runs)',
    { StartTimestamp: at(0), EndTimestamp: at(3), SamplingInterval: 1000, Format: 'JPEG' },
  ],
  [
    '20 JPEG, 200 ms apart (4 runs)',
    { StartTimestamp: at(0), EndTimestamp: at(3.9), SamplingInterval: 200, Format: 'JPEG' },
  ],
  [
    '20 PNG, 200 ms apart',
    { StartTimestamp: at(0), EndTimestamp: at(3.9), SamplingInterval: 200, Format: 'PNG' },
  ],
  [
    '20 JPEG 64x48, 200 ms apart',
    { StartTimestamp: at(0), EndTimestamp: at(3.9), SamplingInterval: 200, Format: 'JPEG', WidthPixels: 64 },
  ],
  [
    '1 PNG, non-key-frame fragment',
    { StreamName: 'gop', StartTimestamp: at(1.5), EndTimestamp: at(1.5), Format: 'PNG' },
  ],
];

const srv = await startServer();
await ingestFixture(srv.endpoint, 'img', 'h264-only.mkv', START);
await ingestFixture(srv.endpoint, 'gop', 'ffmpeg-default-live.mkv', START);
const client = new KinesisVideoArchivedMediaClient({
  endpoint: srv.endpoint,
  region: TEST_REGION,
  credentials: TEST_CREDENTIALS,
});
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const [label, input] of CASES) {
  const ms: number[] = [];
  let images = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const out = await client.send(
      new GetImagesCommand({
        StreamName: 'img',
        ImageSelectorType: 'PRODUCER_TIMESTAMP',
        Format: 'JPEG',
        StartTimestamp: at(0),
        EndTimestamp: at(0),
        ...input,
      }),
    );
    ms.push(performance.now() - t);
    images = (out.Images ?? []).filter((im) => im.ImageContent).length;
  }
  ms.sort((a, b) => a - b);
  console.log(
    `${label}: ${images} images, median ${ms[2]!.toFixed(0)} ms (min ${ms[0]!.toFixed(0)}, max ${ms[4]!.toFixed(0)})`,
  );
}
const t = performance.now();
const text = await (await fetch(`${srv.endpoint}/metrics`)).text();
console.log(`/metrics scrape: ${(performance.now() - t).toFixed(1)} ms, ${text.length} bytes`);
client.destroy();
await srv.close();
