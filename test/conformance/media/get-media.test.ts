/**
 * GetMedia through the official SDK (@aws-sdk/client-kinesis-video-media, streaming Payload):
 * every start selector, the KVS chunk layout and tag values, continuation, live delivery with
 * NOW, limits, and validation of the emitted bytes by mkvinfo/ffprobe/ffmpeg where installed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { GetMediaCommand } from '@aws-sdk/client-kinesis-video-media';
import { MkvIngestParser } from '../../../src/mkv/ingest-parser.js';
import { getMediaBytes, mediaClient, parseChunks, readKvsTags } from '../../helpers/media.js';
import { putMediaRaw } from '../../helpers/put-media.js';
import {
  captureError,
  controlPlaneClient,
  startServer,
  tempDir,
  type TestServer,
} from '../../helpers/server.js';
import { ffmpegMissing, ffprobeMissing, fixture, mkvinfoMissing, run } from '../../helpers/tools.js';

const START_SECONDS = 1_700_000_000;

/** The fixture's header length and each cluster's exact bytes, from the ingest parser. */
function describeFixture(bytes: Uint8Array): {
  headerLength: number;
  fragments: Buffer[];
  timecodes: number[];
} {
  const parser = new MkvIngestParser();
  let headerLength = 0;
  const fragments: Buffer[] = [];
  const timecodes: number[] = [];
  let current: Uint8Array[] = [];
  for (const e of [...parser.push(bytes), ...parser.end()]) {
    if (e.type === 'header') headerLength = e.ebmlHeader.length + 12 + e.segmentHeader.length;
    if (e.type === 'clusterStart') {
      current = [];
      timecodes.push(e.timecode);
    }
    if (e.type === 'bytes') current.push(e.data);
    if (e.type === 'clusterEnd') fragments.push(Buffer.concat(current));
  }
  return { headerLength, fragments, timecodes };
}

describe('GetMedia', () => {
  let srv: TestServer;
  const file = readFileSync(fixture('h264-aac.mkv'));
  const fx = describeFixture(file);
  let numbers: string[] = [];

  before(async () => {
    srv = await startServer({ limits: { getMediaIdleEndMs: 400, getMediaBytesPerSecond: 0 } });
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'media', DataRetentionInHours: 24 }));
    await kv.send(new CreateStreamCommand({ StreamName: 'empty', DataRetentionInHours: 24 }));
    kv.destroy();
    const put = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: {
        'x-amzn-stream-name': 'media',
        'x-amzn-fragment-timecode-type': 'RELATIVE',
        'x-amzn-producer-start-timestamp': `${START_SECONDS}.000`,
      },
      pieces: [file],
    });
    numbers = put.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber!);
    assert.equal(numbers.length, fx.fragments.length);
  });
  after(async () => {
    await srv.close();
  });

  test('EARLIEST returns every fragment as a KVS chunk, cluster bytes unchanged', async () => {
    const { contentType, bytes } = await getMediaBytes(srv.endpoint, 'media', {
      StartSelectorType: 'EARLIEST',
    });
    assert.equal(contentType, 'video/webm');
    const chunks = parseChunks(bytes, fx.headerLength);
    assert.equal(chunks.length, numbers.length);
    chunks.forEach((chunk, i) => {
      assert.ok(chunk.fragment.equals(fx.fragments[i]!), `fragment ${i} bytes are the cluster as sent`);
      const t = chunk.tags;
      assert.equal(t.AWS_KINESISVIDEO_FRAGMENT_NUMBER, numbers[i]);
      assert.equal(t.AWS_KINESISVIDEO_CONTINUATION_TOKEN, numbers[i]);
      assert.match(t.AWS_KINESISVIDEO_SERVER_TIMESTAMP!, /^[0-9]+\.[0-9]{3}$/);
      assert.equal(
        t.AWS_KINESISVIDEO_PRODUCER_TIMESTAMP,
        (START_SECONDS + fx.timecodes[i]! / 1000).toFixed(3),
      );
      assert.match(t.AWS_KINESISVIDEO_MILLIS_BEHIND_NOW!, /^[0-9]+$/);
    });
    // Every chunk repeats the producer's header bytes and the unknown-size Segment marker.
    const segmentAt = file.indexOf(Buffer.from([0x18, 0x53, 0x80, 0x67]));
    const ebml = file.subarray(0, segmentAt);
    for (const chunk of chunks) {
      assert.ok(chunk.raw.subarray(0, segmentAt).equals(ebml));
      assert.deepEqual(
        [...chunk.raw.subarray(segmentAt, segmentAt + 12)],
        [0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      );
      // ffmpeg's live Segment also has the 8-byte unknown size, so the header elements line up.
      assert.equal(file[segmentAt + 4], 0x01);
      assert.ok(
        chunk.raw
          .subarray(segmentAt + 12, fx.headerLength)
          .equals(file.subarray(segmentAt + 12, fx.headerLength)),
      );
    }
  });

  test('FRAGMENT_NUMBER and CONTINUATION_TOKEN start strictly after the given fragment', async () => {
    const fromNumber = await getMediaBytes(srv.endpoint, 'media', {
      StartSelectorType: 'FRAGMENT_NUMBER',
      AfterFragmentNumber: numbers[1],
    });
    assert.deepEqual(
      parseChunks(fromNumber.bytes, fx.headerLength).map((c) => c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER),
      numbers.slice(2),
    );
    const first = parseChunks(
      (await getMediaBytes(srv.endpoint, 'media', { StartSelectorType: 'EARLIEST' })).bytes,
      fx.headerLength,
    )[0]!;
    const resumed = await getMediaBytes(srv.endpoint, 'media', {
      StartSelectorType: 'CONTINUATION_TOKEN',
      ContinuationToken: first.tags.AWS_KINESISVIDEO_CONTINUATION_TOKEN,
    });
    assert.deepEqual(
      parseChunks(resumed.bytes, fx.headerLength).map((c) => c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER),
      numbers.slice(1),
    );
  });

  test('PRODUCER_TIMESTAMP and SERVER_TIMESTAMP start with the fragment containing the time', async () => {
    // Mid-way through the third fragment (fixture fragments are 1 s long).
    const inThird = new Date((START_SECONDS + fx.timecodes[2]! / 1000 + 0.5) * 1000);
    const byProducer = await getMediaBytes(srv.endpoint, 'media', {
      StartSelectorType: 'PRODUCER_TIMESTAMP',
      StartTimestamp: inThird,
    });
    assert.deepEqual(
      parseChunks(byProducer.bytes, fx.headerLength).map((c) => c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER),
      numbers.slice(2),
    );
    const all = parseChunks(
      (await getMediaBytes(srv.endpoint, 'media', { StartSelectorType: 'EARLIEST' })).bytes,
      fx.headerLength,
    );
    const secondServerTs = Number(all[1]!.tags.AWS_KINESISVIDEO_SERVER_TIMESTAMP);
    const byServer = await getMediaBytes(srv.endpoint, 'media', {
      StartSelectorType: 'SERVER_TIMESTAMP',
      StartTimestamp: new Date(secondServerTs * 1000),
    });
    assert.equal(
      parseChunks(byServer.bytes, fx.headerLength)[0]!.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER,
      numbers[1],
    );
  });

  test('NOW delivers fragments that arrive after the call (live producer)', async () => {
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'live', DataRetentionInHours: 1 }));
    kv.destroy();
    const reading = getMediaBytes(srv.endpoint, 'live', { StartSelectorType: 'NOW' });
    await new Promise((r) => setTimeout(r, 100));
    const put = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'live' },
      pieces: [file.subarray(0, 40_000), file.subarray(40_000)],
      delayMs: 100,
    });
    const persisted = put.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber);
    const { bytes } = await reading;
    assert.deepEqual(
      parseChunks(bytes, fx.headerLength).map((c) => c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER),
      persisted,
    );
  });

  test('unknown streams: ResourceNotFoundException; bad selectors: InvalidArgumentException', async () => {
    const client = mediaClient(srv.endpoint);
    try {
      const missing = await captureError(() =>
        client.send(
          new GetMediaCommand({ StreamName: 'absent', StartSelector: { StartSelectorType: 'NOW' } }),
        ),
      );
      assert.equal(missing.name, 'ResourceNotFoundException');
      const noNumber = await captureError(() =>
        client.send(
          new GetMediaCommand({
            StreamName: 'media',
            StartSelector: { StartSelectorType: 'FRAGMENT_NUMBER' },
          }),
        ),
      );
      assert.equal(noNumber.name, 'InvalidArgumentException');
      const noTime = await captureError(() =>
        client.send(
          new GetMediaCommand({
            StreamName: 'media',
            StartSelector: { StartSelectorType: 'PRODUCER_TIMESTAMP' },
          }),
        ),
      );
      assert.equal(noTime.name, 'InvalidArgumentException');
      const badType = await captureError(() =>
        client.send(
          new GetMediaCommand({
            StreamName: 'media',
            StartSelector: { StartSelectorType: 'LATEST' as 'NOW' },
          }),
        ),
      );
      assert.equal(badType.name, 'InvalidArgumentException');
    } finally {
      client.destroy();
    }
  });

  test('an unknown fragment number yields the in-stream 4000 error tags', async () => {
    const unknown = '9'.repeat(47);
    const { bytes } = await getMediaBytes(srv.endpoint, 'media', {
      StartSelectorType: 'FRAGMENT_NUMBER',
      AfterFragmentNumber: unknown,
    });
    const tagsAt = bytes.indexOf(Buffer.from([0x12, 0x54, 0xc3, 0x67]));
    const { tags, end } = readKvsTags(bytes, tagsAt);
    assert.equal(end, bytes.length);
    assert.equal(tags.AWS_KINESISVIDEO_ERROR_ID, '4000');
    assert.equal(tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER, unknown);
    assert.ok(tags.AWS_KINESISVIDEO_ERROR_CODE);
  });

  test('a stored fragment that cannot be read ends the response with in-stream error 5000', async () => {
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'broken', DataRetentionInHours: 1 }));
    kv.destroy();
    await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'broken' },
      pieces: [file],
    });
    const { streamId } = srv.kvideo.storage.meta.getByName('broken')!;
    const dir = join(srv.dataDir, 'streams', streamId);
    for (const name of readdirSync(dir)) unlinkSync(join(dir, name));
    const { bytes } = await getMediaBytes(srv.endpoint, 'broken', { StartSelectorType: 'EARLIEST' });
    const { tags, end } = readKvsTags(bytes, bytes.indexOf(Buffer.from([0x12, 0x54, 0xc3, 0x67])));
    assert.equal(end, bytes.length, 'the error group is the last element');
    assert.equal(tags.AWS_KINESISVIDEO_ERROR_ID, '5000');
    assert.match(tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER ?? '', /^[0-9]{47}$/);
  });

  test('the 6th GetMedia call on a stream within one second gets ClientLimitExceededException', async () => {
    const limited = await startServer({ limits: { getMediaIdleEndMs: 50 } });
    const kv = controlPlaneClient(limited.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'rate' }));
    kv.destroy();
    const client = mediaClient(limited.endpoint);
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () =>
          client.send(
            new GetMediaCommand({ StreamName: 'rate', StartSelector: { StartSelectorType: 'NOW' } }),
          ),
        ),
      );
      const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      assert.ok(rejected.length >= 1);
      assert.ok(
        rejected.every(
          (r) =>
            (r.reason as Error).name === 'ClientLimitExceededException' ||
            (r.reason as Error).name === 'ConnectionLimitExceededException',
        ),
      );
      assert.ok(rejected.some((r) => (r.reason as Error).name === 'ClientLimitExceededException'));
      for (const r of results) {
        if (r.status === 'fulfilled') (r.value.Payload as unknown as { destroy(): void }).destroy();
      }
    } finally {
      client.destroy();
      await limited.close();
    }
  });

  test(
    'emitted bytes pass mkvinfo and ffprobe, and ffmpeg remuxes them to MP4',
    { skip: mkvinfoMissing || ffprobeMissing || ffmpegMissing },
    async () => {
      const dir = tempDir();
      const out = join(dir, 'out.mkv');
      writeFileSync(
        out,
        (await getMediaBytes(srv.endpoint, 'media', { StartSelectorType: 'EARLIEST' })).bytes,
      );
      const info = await run('mkvinfo', [out]);
      assert.equal(info.code, 0, info.stdout + info.stderr);
      assert.match(info.stdout, /AWS_KINESISVIDEO_FRAGMENT_NUMBER/);
      const probe = await run('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_name',
        '-of',
        'csv=p=0',
        out,
      ]);
      assert.equal(probe.code, 0, probe.stderr);
      assert.deepEqual(probe.stdout.trim().split('\n').sort(), ['aac', 'h264']);
      const mp4 = join(dir, 'out.mp4');
      const remux = await run('ffmpeg', ['-v', 'error', '-i', out, '-c', 'copy', '-y', mp4]);
      assert.equal(remux.code, 0, remux.stderr);
      const frames = await run('ffprobe', [
        '-v',
        'error',
        '-count_packets',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=nb_read_packets',
        '-of',
        'csv=p=0',
        mp4,
      ]);
      assert.equal(Number(frames.stdout.trim()), 100, 'all 4 s × 25 fps of video survive the round trip');
    },
  );
});
