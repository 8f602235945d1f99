/**
 * ffmpeg as an HLS and DASH player: for every session type and container, `ffmpeg -i <session URL>
 * -c copy` must give back every video and audio frame of the source with bit-identical payloads
 * (framemd5 per packet). Session URLs come from the official SDK v3 client.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import {
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
  type KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import {
  archivedClient,
  frameHashes,
  ingestFile,
  makeFixture,
  SLICES_FROM_ANNEXB,
  SLICES_FROM_AVCC,
} from '../helpers/playback.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { ffmpegMissing, run } from '../helpers/tools.js';

const SECONDS = 6;

describe('ffmpeg plays HLS and DASH sessions', { skip: ffmpegMissing }, () => {
  let srv: TestServer;
  let am: KinesisVideoArchivedMediaClient;
  let dir: string;
  let source: { v: string[]; a: string[]; slices: string[] };
  const producerStartMs = Date.now() - 600_000;
  let ingestedAt = 0;

  before(async () => {
    dir = tempDir('kvideo-playback-');
    srv = await startServer();
    am = archivedClient(srv.endpoint);
    const file = await makeFixture(dir, 'av.mkv', { seconds: SECONDS, audio: true });
    source = {
      v: await frameHashes(file, 'v'),
      a: await frameHashes(file, 'a'),
      slices: await frameHashes(file, 'v', { videoBsf: SLICES_FROM_AVCC }),
    };
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'cam', DataRetentionInHours: 24 }));
    kv.destroy();
    const persisted = await ingestFile(srv.endpoint, 'cam', file, producerStartMs);
    assert.equal(persisted.length, SECONDS, 'one fragment per second of media');
    ingestedAt = Date.now();
  });
  after(async () => {
    am.destroy();
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const producerRange = () => ({
    FragmentSelectorType: 'PRODUCER_TIMESTAMP' as const,
    TimestampRange: {
      StartTimestamp: new Date(producerStartMs),
      EndTimestamp: new Date(producerStartMs + 60_000),
    },
  });

  async function play(url: string, extra: string[] = []): Promise<{ v: string[]; a: string[] }> {
    const [v, a] = await Promise.all([
      frameHashes(url, 'v', { extraInput: extra }),
      frameHashes(url, 'a', { extraInput: extra }),
    ]);
    return { v, a };
  }

  test('HLS fMP4 ON_DEMAND (producer timestamps): every frame, bit-identical', async () => {
    const out = await am.send(
      new GetHLSStreamingSessionURLCommand({
        StreamName: 'cam',
        PlaybackMode: 'ON_DEMAND',
        HLSFragmentSelector: producerRange(),
      }),
    );
    const got = await play(out.HLSStreamingSessionURL!);
    assert.equal(got.v.length, source.v.length);
    assert.deepEqual(got.v, source.v);
    assert.deepEqual(got.a, source.a);
  });

  test('HLS MPEG-TS ON_DEMAND (server timestamps): every frame (H.264 slices bit-identical, AAC unwrapped from ADTS)', async () => {
    const out = await am.send(
      new GetHLSStreamingSessionURLCommand({
        StreamName: 'cam',
        PlaybackMode: 'ON_DEMAND',
        ContainerFormat: 'MPEG_TS',
        HLSFragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: { StartTimestamp: new Date(ingestedAt - 120_000), EndTimestamp: new Date() },
        },
      }),
    );
    const url = out.HLSStreamingSessionURL!;
    const v = await frameHashes(url, 'v', { videoBsf: SLICES_FROM_ANNEXB });
    assert.equal(v.length, source.slices.length);
    assert.deepEqual(v, source.slices);
    // MPEG-TS carries AAC in ADTS frames; without their 7-byte headers the frames are the stored ones.
    assert.deepEqual(await frameHashes(url, 'a', { audioBsf: 'aac_adtstoasc' }), source.a);
  });

  test('HLS fMP4 LIVE: the live playlist holds the stream, ffmpeg reads it from the first segment', async () => {
    const out = await am.send(
      new GetHLSStreamingSessionURLCommand({ StreamName: 'cam', MaxMediaPlaylistFragmentResults: 10 }),
    );
    const got = await play(out.HLSStreamingSessionURL!, [
      '-live_start_index',
      '0',
      '-m3u8_hold_counters',
      '2',
    ]);
    assert.deepEqual(got.v, source.v);
    assert.deepEqual(got.a, source.a);
  });

  test('HLS MPEG-TS LIVE_REPLAY with an end: fragments released at their pace, then ENDLIST', async () => {
    const out = await am.send(
      new GetHLSStreamingSessionURLCommand({
        StreamName: 'cam',
        PlaybackMode: 'LIVE_REPLAY',
        ContainerFormat: 'MPEG_TS',
        HLSFragmentSelector: producerRange(),
      }),
    );
    const started = Date.now();
    const v = await frameHashes(out.HLSStreamingSessionURL!, 'v', {
      videoBsf: SLICES_FROM_ANNEXB,
      extraInput: ['-live_start_index', '0'],
    });
    assert.deepEqual(v, source.slices);
    // Six one-second fragments are released over about five seconds (no timing bound asserted
    // beyond "not all at once", which would mean the pacing is missing).
    assert.ok(Date.now() - started >= 3000, 'LIVE_REPLAY paces the playlist');
  });

  test('DASH ON_DEMAND: static MPD, every frame bit-identical', async () => {
    const out = await am.send(
      new GetDASHStreamingSessionURLCommand({
        StreamName: 'cam',
        PlaybackMode: 'ON_DEMAND',
        DASHFragmentSelector: producerRange(),
      }),
    );
    const got = await play(out.DASHStreamingSessionURL!);
    assert.deepEqual(got.v, source.v);
    assert.deepEqual(got.a, source.a);
  });

  test('HLS fMP4 LIVE_REPLAY with an end: every frame, then ENDLIST', async () => {
    const out = await am.send(
      new GetHLSStreamingSessionURLCommand({
        StreamName: 'cam',
        PlaybackMode: 'LIVE_REPLAY',
        HLSFragmentSelector: producerRange(),
      }),
    );
    const got = await play(out.HLSStreamingSessionURL!, ['-live_start_index', '0']);
    assert.deepEqual(got.v, source.v);
    assert.deepEqual(got.a, source.a);
  });

  test('HLS MPEG-TS LIVE: every frame of the live window', async () => {
    const out = await am.send(
      new GetHLSStreamingSessionURLCommand({
        StreamName: 'cam',
        ContainerFormat: 'MPEG_TS',
        MaxMediaPlaylistFragmentResults: 10,
      }),
    );
    const url = out.HLSStreamingSessionURL!;
    const live = ['-live_start_index', '0', '-m3u8_hold_counters', '2'];
    assert.deepEqual(
      await frameHashes(url, 'v', { videoBsf: SLICES_FROM_ANNEXB, extraInput: live }),
      source.slices,
    );
    assert.deepEqual(await frameHashes(url, 'a', { audioBsf: 'aac_adtstoasc', extraInput: live }), source.a);
  });

  test('the -c copy output of each session is a valid MP4 with both tracks', async () => {
    const out = await am.send(
      new GetHLSStreamingSessionURLCommand({
        StreamName: 'cam',
        PlaybackMode: 'ON_DEMAND',
        HLSFragmentSelector: producerRange(),
      }),
    );
    const mp4 = `${dir}/out.mp4`;
    const r = await run('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-i',
      out.HLSStreamingSessionURL!,
      '-map',
      '0',
      '-c',
      'copy',
      mp4,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const probe = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name,width,height,nb_frames',
      '-of',
      'json',
      mp4,
    ]);
    const streams = (
      JSON.parse(probe.stdout) as { streams: { codec_name: string; width?: number; nb_frames: string }[] }
    ).streams;
    const video = streams.find((s) => s.codec_name === 'h264');
    assert.equal(video?.width, 320);
    assert.equal(Number(video?.nb_frames), source.v.length);
    assert.equal(Number(streams.find((s) => s.codec_name === 'aac')?.nb_frames), source.a.length);
  });
});

describe('ffmpeg plays H.265 sessions', { skip: ffmpegMissing }, () => {
  test('HLS fMP4 and MPEG-TS ON_DEMAND of an H.265 stream: every frame', async () => {
    const dir = tempDir('kvideo-hevc-');
    const srv = await startServer();
    const am = archivedClient(srv.endpoint);
    try {
      const file = await makeFixture(dir, 'hevc.mkv', { seconds: 3, videoCodec: 'libx265' });
      const kv = controlPlaneClient(srv.endpoint);
      await kv.send(new CreateStreamCommand({ StreamName: 'hevc', DataRetentionInHours: 1 }));
      kv.destroy();
      const start = Date.now() - 600_000;
      await ingestFile(srv.endpoint, 'hevc', file, start);
      const source = await frameHashes(file, 'v');
      const selector = {
        FragmentSelectorType: 'PRODUCER_TIMESTAMP' as const,
        TimestampRange: { StartTimestamp: new Date(start), EndTimestamp: new Date(start + 60_000) },
      };
      const fmp4 = await am.send(
        new GetHLSStreamingSessionURLCommand({
          StreamName: 'hevc',
          PlaybackMode: 'ON_DEMAND',
          HLSFragmentSelector: selector,
        }),
      );
      const master = await (await fetch(fmp4.HLSStreamingSessionURL!)).text();
      assert.match(master, /CODECS="(hvc1|hev1)\.[^"]+"/);
      assert.deepEqual(await frameHashes(fmp4.HLSStreamingSessionURL!, 'v'), source);
      const ts = await am.send(
        new GetHLSStreamingSessionURLCommand({
          StreamName: 'hevc',
          PlaybackMode: 'ON_DEMAND',
          ContainerFormat: 'MPEG_TS',
          HLSFragmentSelector: selector,
        }),
      );
      // H.265 in TS is Annex B with VPS/SPS/PPS (types 32–34) and AUDs (35) added.
      const strip = 'filter_units=remove_types=32|33|34|35';
      assert.deepEqual(
        await frameHashes(ts.HLSStreamingSessionURL!, 'v', { videoBsf: strip }),
        await frameHashes(file, 'v', { videoBsf: `hevc_mp4toannexb,${strip}` }),
      );
    } finally {
      am.destroy();
      await srv.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
