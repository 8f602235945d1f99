/**
 * GetClip end to end through @aws-sdk/client-kinesis-video-archived-media and boto3: fixture media
 * ingested with PutMedia, clips read back by ffmpeg/ffprobe (plays; holds exactly the frames of the
 * fragments the range rules select, bit-identical), the 200-fragment and byte caps, and the error set.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import {
  GetClipCommand,
  KinesisVideoArchivedMediaClient,
  type ClipFragmentSelector,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { createClip } from '../../../src/archive/clip.js';
import { demuxFragment, describeTracks } from '../../../src/packaging/index.js';
import { clusters, mkvStream } from '../../helpers/mkv-stream.js';
import { putMediaRaw } from '../../helpers/put-media.js';
import {
  captureError,
  controlPlaneClient,
  startServer,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestServer,
} from '../../helpers/server.js';
import { ffmpegMissing, run, LIVE_MKV_OUTPUT } from '../../helpers/tools.js';
import { decodeErrors, probePackets, tempFile } from '../../unit/packaging/probe.js';
import { mediaPath, storedMedia } from '../../unit/packaging/stored-media.js';

const boto3Missing = ((): string | false => {
  try {
    execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3 with boto3 is not installed';
  }
})();

const START = 1_700_000_000; // producer start timestamp, epoch seconds

/** MD5s of the frames of the given fixture fragments, per track, in decode order. */
function expectedFrames(name: string, fragments: number[]): Map<number, string[]> {
  const stored = storedMedia(name);
  const set = describeTracks(stored.header);
  const out = new Map<number, string[]>();
  for (const i of fragments) {
    for (const [track, samples] of demuxFragment(set, stored.fragments[i]!.bytes).samples) {
      const list = out.get(track) ?? [];
      for (const s of samples) list.push(`MD5:${createHash('md5').update(s.data).digest('hex')}`);
      out.set(track, list);
    }
  }
  return out;
}

async function clipFrames(file: string): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const p of await probePackets(file)) {
    const list = out.get(p.stream + 1) ?? [];
    list.push(p.md5);
    out.set(p.stream + 1, list);
  }
  return out;
}

describe('GetClip', { skip: ffmpegMissing }, () => {
  let srv: TestServer;
  let client: KinesisVideoArchivedMediaClient;
  let serverStartMs = 0;

  async function ingest(stream: string, body: Uint8Array, retention = 24, startS = START): Promise<number> {
    if (!srv.kvideo.storage.meta.getByName(stream)) {
      const kv = controlPlaneClient(srv.endpoint);
      await kv.send(new CreateStreamCommand({ StreamName: stream, DataRetentionInHours: retention }));
      kv.destroy();
    }
    const res = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: {
        'x-amzn-stream-name': stream,
        'x-amzn-fragment-timecode-type': 'RELATIVE',
        'x-amzn-producer-start-timestamp': String(startS),
      },
      pieces: [body],
    });
    const errors = res.acks.filter((a) => a.EventType === 'ERROR');
    assert.deepEqual(errors, []);
    return res.acks.filter((a) => a.EventType === 'PERSISTED').length;
  }

  const producer = (start: number, end: number): ClipFragmentSelector => ({
    FragmentSelectorType: 'PRODUCER_TIMESTAMP',
    TimestampRange: { StartTimestamp: new Date(start * 1000), EndTimestamp: new Date(end * 1000) },
  });

  async function getClip(
    stream: string,
    selector: ClipFragmentSelector,
  ): Promise<{ type?: string; bytes: Uint8Array }> {
    const out = await client.send(new GetClipCommand({ StreamName: stream, ClipFragmentSelector: selector }));
    const bytes = await out.Payload!.transformToByteArray();
    return out.ContentType === undefined ? { bytes } : { type: out.ContentType, bytes };
  }

  before(async () => {
    srv = await startServer();
    client = new KinesisVideoArchivedMediaClient({
      endpoint: srv.endpoint,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    serverStartMs = Date.now();
    assert.equal(await ingest('cam', new Uint8Array(readFileSync(mediaPath('h264-aac.mkv')))), 4);
  });
  after(async () => {
    client.destroy();
    await srv.close();
  });

  test('the whole range: video/mp4 that plays and holds every frame, bit-identical', async () => {
    const clip = await getClip('cam', producer(START, START + 60));
    assert.equal(clip.type, 'video/mp4');
    const file = tempFile('all.mp4', clip.bytes);
    assert.equal(await decodeErrors(file), '');
    assert.deepEqual(await clipFrames(file), expectedFrames('h264-aac.mkv', [0, 1, 2, 3]));
  });

  test('inclusion rules: a fragment straddling Start is out, one starting exactly at End is in', async () => {
    // Fragments start at START + their cluster timecode (0, ≈1, ≈2, ≈3 s): [START+0.5, start of the
    // third] selects the second and the third.
    const third = storedMedia('h264-aac.mkv').fragments[2]!.timecode / 1000;
    const clip = await getClip('cam', producer(START + 0.5, START + third));
    const file = tempFile('range.mp4', clip.bytes);
    assert.equal(await decodeErrors(file), '');
    assert.deepEqual(await clipFrames(file), expectedFrames('h264-aac.mkv', [1, 2]));
  });

  test('B-frame H.264 and H.265 media: decode order and composition offsets survive', async () => {
    for (const [stream, name] of [
      ['bframes', 'h264-bframes-aac.mkv'],
      ['hevc', 'h265-aac.mkv'],
    ] as const) {
      assert.equal(await ingest(stream, new Uint8Array(readFileSync(mediaPath(name)))), 4);
      const clip = await getClip(stream, producer(START, START + 60));
      const file = tempFile(`${stream}.mp4`, clip.bytes);
      assert.equal(await decodeErrors(file), '');
      assert.deepEqual(await clipFrames(file), expectedFrames(name, [0, 1, 2, 3]));
      // Presentation order differs from decode order, as in the source.
      const video = (await probePackets(file)).filter((p) => p.stream === 0);
      assert.ok(
        video.some((p, i) => i > 0 && p.pts! < video[i - 1]!.pts!),
        `${name}: no reordered frames`,
      );
    }
  });

  test('SERVER_TIMESTAMP selects by ingest time', async () => {
    const clip = await getClip('cam', {
      FragmentSelectorType: 'SERVER_TIMESTAMP',
      TimestampRange: { StartTimestamp: new Date(serverStartMs - 1000), EndTimestamp: new Date() },
    });
    const file = tempFile('server.mp4', clip.bytes);
    assert.deepEqual(await clipFrames(file), expectedFrames('h264-aac.mkv', [0, 1, 2, 3]));
  });

  test('boto3 get_clip returns the same MP4', { skip: boto3Missing }, async () => {
    const sdk = await getClip('cam', producer(START, START + 60));
    const out = tempFile('boto3.mp4');
    const script = [
      'import boto3, sys',
      `c = boto3.client('kinesis-video-archived-media', endpoint_url='${srv.endpoint}', region_name='${TEST_REGION}',`,
      `  aws_access_key_id='${TEST_CREDENTIALS.accessKeyId}', aws_secret_access_key='${TEST_CREDENTIALS.secretAccessKey}')`,
      `r = c.get_clip(StreamName='cam', ClipFragmentSelector={'FragmentSelectorType': 'PRODUCER_TIMESTAMP',`,
      `  'TimestampRange': {'StartTimestamp': ${START}, 'EndTimestamp': ${START + 60}}})`,
      `open('${out}', 'wb').write(r['Payload'].read())`,
      "print(r['ContentType'])",
    ].join('\n');
    const r = await run('python3', ['-c', script]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'video/mp4');
    assert.deepEqual(new Uint8Array(readFileSync(out)), sdk.bytes);
  });

  test('errors: no fragments, bad ranges, unknown stream', async () => {
    const cases: [ClipFragmentSelector, string, number][] = [
      [producer(START + 100, START + 200), 'ResourceNotFoundException', 404],
      [producer(START + 2, START + 2), 'InvalidArgumentException', 400],
      [producer(START + 3, START + 1), 'InvalidArgumentException', 400],
      [producer(START, START + 24 * 3600 + 1), 'InvalidArgumentException', 400],
      [
        {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: {
            StartTimestamp: new Date(serverStartMs),
            EndTimestamp: new Date(Date.now() + 60_000),
          },
        },
        'InvalidArgumentException',
        400,
      ],
    ];
    for (const [selector, name, status] of cases) {
      const err = await captureError(() => getClip('cam', selector));
      assert.equal(err.name, name, JSON.stringify(selector));
      assert.equal((err.$metadata as { httpStatusCode: number }).httpStatusCode, status);
    }
    const none = await captureError(() => getClip('cam', producer(START + 100, START + 200)));
    assert.match(none.message, /No fragments found/);
    const unknown = await captureError(() => getClip('nope', producer(START, START + 60)));
    assert.equal(unknown.name, 'ResourceNotFoundException');
  });

  test('errors: no retention, unsupported codec, missing codec private data', async () => {
    await ingest('live-only', new Uint8Array(readFileSync(mediaPath('h264-aac.mkv'))), 0);
    const noRetention = await captureError(() => getClip('live-only', producer(START, START + 60)));
    assert.equal(noRetention.name, 'NoDataRetentionException');

    // Same file with the video codec ID renamed (same length, so the structure stays valid).
    const vp = Buffer.from(readFileSync(mediaPath('h264-aac.mkv')));
    const at = vp.indexOf('V_MPEG4/ISO/AVC');
    vp.write('V_MPEG4/ISO/XYZ', at);
    await ingest('odd-codec', vp);
    const unsupported = await captureError(() => getClip('odd-codec', producer(START, START + 60)));
    assert.equal(unsupported.name, 'UnsupportedStreamMediaTypeException');

    await ingest('no-cpd', mkvStream({ clusters: clusters(3, 0) }));
    const missing = await captureError(() => getClip('no-cpd', producer(START, START + 60)));
    assert.equal(missing.name, 'MissingCodecPrivateDataException');
  });

  test('errors: invalid codec private data; tracks or codec private data changing within the clip', async () => {
    // The avcC's configurationVersion (its first byte) set to 0: not an AVCDecoderConfigurationRecord.
    const bad = Buffer.from(readFileSync(mediaPath('h264-aac.mkv')));
    const cpd = bad.indexOf(Buffer.from([0x63, 0xa2]));
    const version = cpd + 2 + (bad[cpd + 2]! >= 0x80 ? 1 : 2);
    assert.equal(bad[version], 1);
    bad[version] = 0;
    await ingest('bad-cpd', bad);
    const invalid = await captureError(() => getClip('bad-cpd', producer(START, START + 60)));
    assert.equal(invalid.name, 'InvalidCodecPrivateDataException');

    // H.264 + AAC, then H.265 + AAC 10 s later in the same stream: the track set changes.
    await ingest('switch', new Uint8Array(readFileSync(mediaPath('h264-aac.mkv'))));
    await ingest('switch', new Uint8Array(readFileSync(mediaPath('h265-aac.mkv'))), 24, START + 10);
    const tracks = await captureError(() => getClip('switch', producer(START, START + 60)));
    assert.equal(tracks.name, 'UnsupportedStreamMediaTypeException');
    // Each part alone is a fine clip.
    assert.ok((await getClip('switch', producer(START + 10, START + 60))).bytes.length > 1000);

    // Two H.264 encodes with different SPS/PPS: the codec private data changes.
    await ingest('cpd-change', new Uint8Array(readFileSync(mediaPath('h264-aac.mkv'))));
    await ingest(
      'cpd-change',
      new Uint8Array(readFileSync(mediaPath('h264-bframes-aac.mkv'))),
      24,
      START + 10,
    );
    const changed = await captureError(() => getClip('cpd-change', producer(START, START + 60)));
    assert.equal(changed.name, 'InvalidCodecPrivateDataException');
  });

  test('at most 200 fragments: the clip holds the first 200', async () => {
    // Short fragments: 18 s of 25 fps with a key frame every frame (ffmpeg opens a Cluster at most
    // at every other one), so more than 200 fragments.
    const file = tempFile('gop1.mkv');
    const made = await run('ffmpeg', [
      ...[
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=160x120:rate=25:duration=18',
      ],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '1', '-pix_fmt', 'yuv420p'],
      ...[...LIVE_MKV_OUTPUT, file],
    ]);
    assert.equal(made.code, 0, made.stderr);
    const count = storedMedia(file).fragments.length;
    assert.ok(count > 200, `${count} fragments`);
    assert.equal(await ingest('many', new Uint8Array(readFileSync(file))), count);
    const clip = await getClip('many', producer(START, START + 60));
    const out = tempFile('200.mp4', clip.bytes);
    assert.equal(await decodeErrors(out), '');
    const frames = (await clipFrames(out)).get(1)!;
    const expected = expectedFrames(
      file,
      Array.from({ length: 200 }, (_, i) => i),
    ).get(1)!;
    assert.deepEqual(frames, expected);
  });

  test('at most the byte cap: whole fragments up to the limit, never an empty clip', async () => {
    const stream = srv.kvideo.storage.meta.getByName('cam')!;
    const store = srv.kvideo.storage.fragments;
    const selector = {
      FragmentSelectorType: 'PRODUCER_TIMESTAMP' as const,
      TimestampRange: { StartTimestamp: START, EndTimestamp: START + 60 },
    };
    const sizes = storedMedia('h264-aac.mkv').fragments.map((f) => f.bytes.length);
    const capped = await createClip(store, stream, selector, Date.now(), {
      maxFragments: 200,
      maxBytes: sizes[0]! + sizes[1]!,
    });
    assert.equal(capped.fragments.length, 2);
    const tiny = await createClip(store, stream, selector, Date.now(), { maxFragments: 200, maxBytes: 1 });
    assert.equal(tiny.fragments.length, 1);
    const read = async (clip: { body: AsyncIterable<unknown> }): Promise<Buffer> => {
      const parts: Buffer[] = [];
      for await (const p of clip.body) parts.push(p as Buffer);
      return Buffer.concat(parts);
    };
    const bytes = await read(capped);
    assert.equal(await decodeErrors(tempFile('capped.mp4', bytes)), '');
    // Pass 2 reading every fragment again (nothing kept from pass 1) writes the same file.
    const all = await read(await createClip(store, stream, selector, Date.now()));
    const reread = await read(
      await createClip(store, stream, selector, Date.now(), {
        maxFragments: 200,
        maxBytes: 1e9,
        keepBytes: 0,
      }),
    );
    assert.ok(reread.equals(all));
    const half = await read(
      await createClip(store, stream, selector, Date.now(), {
        maxFragments: 200,
        maxBytes: 1e9,
        keepBytes: sizes[0]!,
      }),
    );
    assert.ok(half.equals(all));
  });
});
