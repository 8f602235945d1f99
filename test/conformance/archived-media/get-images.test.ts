/**
 * GetImages through the official SDK on real H.264 media (test/fixtures/media/h264-only.mkv,
 * 320x240, 25 fps, one fragment per second): sample times, frame choice (pixels equal to ffmpeg's
 * own decode of the fixture), JPEG/PNG at the requested sizes (ffprobe), NO_MEDIA, MEDIA_ERROR,
 * the exception set and NextToken pagination; and the server without ffmpeg.
 */
import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  GetImagesCommand,
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
  paginateGetImages,
  type GetImagesCommandInput,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { ingestFixture, probeImage, rawPixels, referenceFrame } from '../../helpers/images.js';
import {
  captureError,
  startServer,
  tempDir,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestServer,
} from '../../helpers/server.js';
import { ffmpegMissing, ffprobeMissing, fixture, run } from '../../helpers/tools.js';

const START = 1_700_000_000; // producer time of the fixture's first frame, epoch seconds
const at = (sec: number): Date => new Date(Math.round((START + sec) * 1000));

function archivedClient(endpoint: string): KinesisVideoArchivedMediaClient {
  return new KinesisVideoArchivedMediaClient({
    endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}

const decode = (content: string | undefined): Buffer => Buffer.from(content ?? '', 'base64');

describe('GetImages', { skip: ffmpegMissing || ffprobeMissing }, () => {
  let srv: TestServer;
  let client: KinesisVideoArchivedMediaClient;
  const base = (over: Partial<GetImagesCommandInput> = {}): GetImagesCommandInput => ({
    StreamName: 'img',
    ImageSelectorType: 'PRODUCER_TIMESTAMP',
    StartTimestamp: at(0),
    EndTimestamp: at(3),
    SamplingInterval: 1000,
    Format: 'JPEG',
    ...over,
  });

  before(async () => {
    srv = await startServer();
    client = archivedClient(srv.endpoint);
    const acks = await ingestFixture(srv.endpoint, 'img', 'h264-only.mkv', START);
    assert.equal(acks.filter((a) => a.EventType === 'PERSISTED').length, 4);
  });
  after(async () => {
    client.destroy();
    await srv.close();
  });

  test('one image per sampled time, at the sampled times, decodable JPEG at the source size', async () => {
    const out = await client.send(new GetImagesCommand(base({ SamplingInterval: 500 })));
    const images = out.Images ?? [];
    assert.deepEqual(
      images.map((im) => im.TimeStamp?.getTime()),
      [0, 0.5, 1, 1.5, 2, 2.5, 3].map((s) => at(s).getTime()),
    );
    assert.equal(out.NextToken, undefined);
    for (const im of images) {
      assert.equal(im.Error, undefined);
      assert.deepEqual(await probeImage(decode(im.ImageContent)), {
        codec: 'mjpeg',
        width: 320,
        height: 240,
      });
    }
  });

  test('each image is the first frame at or after its time (pixels equal ffmpeg decoding the fixture)', async () => {
    // Frames are 40 ms apart: 1.5 s → frame 38 (1.52 s), 2.0 s → frame 50, 3.9 s → frame 98 (3.92 s).
    const out = await client.send(
      new GetImagesCommand(
        base({ StartTimestamp: at(1.5), EndTimestamp: at(3.9), SamplingInterval: 2400, Format: 'PNG' }),
      ),
    );
    const [first, second] = out.Images ?? [];
    assert.equal(out.Images?.length, 2);
    assert.deepEqual(
      await rawPixels(decode(first?.ImageContent)),
      await referenceFrame(fixture('h264-only.mkv'), 38),
    );
    assert.deepEqual(
      await rawPixels(decode(second?.ImageContent)),
      await referenceFrame(fixture('h264-only.mkv'), 98),
    );
    const two = await client.send(
      new GetImagesCommand(base({ StartTimestamp: at(2), EndTimestamp: at(2), Format: 'PNG' })),
    );
    assert.deepEqual(
      await rawPixels(decode(two.Images?.[0]?.ImageContent)),
      await referenceFrame(fixture('h264-only.mkv'), 50),
    );
  });

  test('PNG and JPEG at requested sizes: one dimension keeps the aspect ratio, both stretch', async () => {
    const cases: [Partial<GetImagesCommandInput>, { codec: string; width: number; height: number }][] = [
      [{ Format: 'PNG' }, { codec: 'png', width: 320, height: 240 }],
      [
        { Format: 'PNG', WidthPixels: 160 },
        { codec: 'png', width: 160, height: 120 },
      ],
      [
        { Format: 'JPEG', HeightPixels: 60 },
        { codec: 'mjpeg', width: 80, height: 60 },
      ],
      [
        { Format: 'JPEG', WidthPixels: 100, HeightPixels: 50 },
        { codec: 'mjpeg', width: 100, height: 50 },
      ],
    ];
    for (const [over, expected] of cases) {
      const out = await client.send(new GetImagesCommand(base({ ...over, EndTimestamp: at(1) })));
      assert.equal(out.Images?.length, 2, JSON.stringify(over));
      for (const im of out.Images ?? [])
        assert.deepEqual(await probeImage(decode(im.ImageContent)), expected);
    }
  });

  test('FormatConfig JPEGQuality: a lower quality gives smaller files', async () => {
    const size = async (q: string): Promise<number> => {
      const out = await client.send(
        new GetImagesCommand(base({ EndTimestamp: at(0), FormatConfig: { JPEGQuality: q } })),
      );
      return decode(out.Images?.[0]?.ImageContent).length;
    };
    const low = await size('5');
    const high = await size('100');
    assert.ok(low < high / 2, `quality 5: ${low} bytes, quality 100: ${high} bytes`);
  });

  test('times without media are NO_MEDIA; SERVER_TIMESTAMP selects by ingestion time', async () => {
    const out = await client.send(
      new GetImagesCommand(base({ StartTimestamp: at(-2), EndTimestamp: at(5), SamplingInterval: 1000 })),
    );
    assert.deepEqual(
      out.Images?.map((im) => im.Error ?? 'ok'),
      ['NO_MEDIA', 'NO_MEDIA', 'ok', 'ok', 'ok', 'ok', 'NO_MEDIA', 'NO_MEDIA'],
    );
    const listed = await client.send(new ListFragmentsCommand({ StreamName: 'img' }));
    const server = (listed.Fragments ?? []).map((f) => f.ServerTimestamp!.getTime()).sort((a, b) => a - b);
    const bySrv = await client.send(
      new GetImagesCommand(
        base({
          ImageSelectorType: 'SERVER_TIMESTAMP',
          StartTimestamp: new Date(server[0]!),
          EndTimestamp: new Date(server[0]!),
        }),
      ),
    );
    assert.equal(bySrv.Images?.length, 1);
    assert.equal(bySrv.Images?.[0]?.TimeStamp?.getTime(), server[0]);
    assert.equal((await probeImage(decode(bySrv.Images?.[0]?.ImageContent))).width, 320);
  });

  test('pagination: MaxResults pages (at most 25) with NextToken, and the SDK paginator', async () => {
    // 3 s at 200 ms: 16 samples.
    const input = base({ SamplingInterval: 200, WidthPixels: 32 });
    const first = await client.send(new GetImagesCommand({ ...input, MaxResults: 5 }));
    assert.equal(first.Images?.length, 5);
    assert.match(first.NextToken ?? '', /^[a-zA-Z0-9+/]+={0,2}$/);
    const second = await client.send(
      new GetImagesCommand({ ...input, MaxResults: 5, NextToken: first.NextToken }),
    );
    assert.equal(second.Images?.[0]?.TimeStamp?.getTime(), at(1).getTime());
    const times: number[] = [];
    for await (const page of paginateGetImages({ client, pageSize: 7 }, input)) {
      assert.ok((page.Images?.length ?? 0) <= 7);
      times.push(...(page.Images ?? []).map((im) => im.TimeStamp!.getTime()));
    }
    assert.deepEqual(
      times,
      Array.from({ length: 16 }, (_, k) => at(k * 0.2).getTime()),
    );
    // MaxResults above 25 still answers pages of 25: 10 s at 200 ms = 51 samples.
    const big = await client.send(
      new GetImagesCommand(
        base({ SamplingInterval: 200, EndTimestamp: at(10), WidthPixels: 16, MaxResults: 100 }),
      ),
    );
    assert.equal(big.Images?.length, 25);
    assert.ok(big.NextToken);
    const foreign = await captureError(() =>
      client.send(new GetImagesCommand({ ...input, SamplingInterval: 400, NextToken: first.NextToken })),
    );
    assert.equal(foreign.name, 'InvalidArgumentException');
    const garbage = await captureError(() =>
      client.send(new GetImagesCommand({ ...input, NextToken: 'Zm9v' })),
    );
    assert.equal(garbage.name, 'InvalidArgumentException');
  });

  test('exceptions: range, sampling interval, JPEGQuality, unknown stream, retention 0', async () => {
    const cases: [Partial<GetImagesCommandInput>, string][] = [
      [{ EndTimestamp: at(301) }, 'InvalidArgumentException'],
      [{ EndTimestamp: at(-1) }, 'InvalidArgumentException'],
      [{ SamplingInterval: 199 }, 'InvalidArgumentException'],
      [{ FormatConfig: { JPEGQuality: '0' } }, 'InvalidArgumentException'],
      [{ FormatConfig: { JPEGQuality: '101' } }, 'InvalidArgumentException'],
      [{ WidthPixels: 3841 }, 'InvalidArgumentException'],
      [{ StreamName: 'nope' }, 'ResourceNotFoundException'],
    ];
    for (const [over, name] of cases) {
      const err = await captureError(() => client.send(new GetImagesCommand(base(over))));
      assert.equal(err.name, name, JSON.stringify(over));
    }
    assert.ok(
      (await client.send(new GetImagesCommand(base({ EndTimestamp: at(300), SamplingInterval: 100_000 }))))
        .Images,
    );
    await ingestFixture(srv.endpoint, 'img-volatile', 'h264-only.mkv', START, 0);
    const volatile = await captureError(() =>
      client.send(new GetImagesCommand(base({ StreamName: 'img-volatile' }))),
    );
    assert.equal(volatile.name, 'NoDataRetentionException');
  });

  test('a fragment that does not start with a key frame is decoded from the previous key frame', async () => {
    // ffmpeg's default live clustering: a cluster about every second, a key frame every 2 s, and
    // video frames at 23 + 40n ms (AAC priming delays video); 1.5 s lies in the second cluster,
    // whose first video frame is not a key frame, and selects frame 37 (1.503 s).
    await ingestFixture(srv.endpoint, 'img-gop', 'ffmpeg-default-live.mkv', START);
    const out = await client.send(
      new GetImagesCommand(
        base({ StreamName: 'img-gop', StartTimestamp: at(1.5), EndTimestamp: at(1.5), Format: 'PNG' }),
      ),
    );
    assert.equal(out.Images?.[0]?.Error, undefined);
    assert.deepEqual(
      await rawPixels(decode(out.Images?.[0]?.ImageContent)),
      await referenceFrame(fixture('ffmpeg-default-live.mkv'), 37),
    );
  });

  test('media without a video track is MEDIA_ERROR', async () => {
    const dir = tempDir();
    const audio = join(dir, 'audio.mkv');
    const made = await run('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=2',
      '-c:a',
      'aac',
      '-f',
      'matroska',
      '-live',
      '1',
      audio,
    ]);
    assert.equal(made.code, 0, made.stderr);
    await ingestFixture(srv.endpoint, 'img-audio', audio, START);
    const out = await client.send(
      new GetImagesCommand(base({ StreamName: 'img-audio', EndTimestamp: at(1) })),
    );
    assert.deepEqual(
      out.Images?.map((im) => im.Error),
      ['MEDIA_ERROR', 'MEDIA_ERROR'],
    );
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('GetImages with a broken or missing ffmpeg', () => {
  test('--ffmpeg naming a nonexistent path: a clear error, everything else works', async () => {
    const srv = await startServer({ ffmpeg: '/nonexistent/ffmpeg' });
    const client = archivedClient(srv.endpoint);
    try {
      await ingestFixture(srv.endpoint, 'img', 'h264-only.mkv', START);
      const err = await captureError(() =>
        client.send(
          new GetImagesCommand({
            StreamName: 'img',
            ImageSelectorType: 'PRODUCER_TIMESTAMP',
            StartTimestamp: at(0),
            EndTimestamp: at(1),
            Format: 'JPEG',
          }),
        ),
      );
      assert.equal(err.name, 'NotImplementedException');
      assert.match(err.message, /ffmpeg/);
      assert.match(err.message, /--ffmpeg PATH/);
      assert.match(err.message, /\/nonexistent\/ffmpeg/);
      const listed = await client.send(new ListFragmentsCommand({ StreamName: 'img' }));
      assert.equal(listed.Fragments?.length, 4);
    } finally {
      client.destroy();
      await srv.close();
    }
  });

  test('an ffmpeg that hangs is killed after the timeout and its images are MEDIA_ERROR', async () => {
    const dir = tempDir();
    const fake = join(dir, 'ffmpeg');
    writeFileSync(fake, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(fake, 0o755);
    const srv = await startServer({ ffmpeg: fake, images: { timeoutMs: 300 } });
    const client = archivedClient(srv.endpoint);
    try {
      await ingestFixture(srv.endpoint, 'img', 'h264-only.mkv', START);
      const out = await client.send(
        new GetImagesCommand({
          StreamName: 'img',
          ImageSelectorType: 'PRODUCER_TIMESTAMP',
          StartTimestamp: at(0),
          EndTimestamp: at(1),
          SamplingInterval: 1000,
          Format: 'PNG',
        }),
      );
      assert.deepEqual(
        out.Images?.map((im) => im.Error),
        ['MEDIA_ERROR', 'MEDIA_ERROR'],
      );
    } finally {
      client.destroy();
      await srv.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
