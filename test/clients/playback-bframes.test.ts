/**
 * Issue #10: ordinary encodes through every playback reader. Default libx264 (B-frames) + AAC,
 * libx265 + AAC and AAC-first interleaving are sent by ffmpeg's PutMedia, then read back by
 * ffmpeg (`-c copy`) from HLS fMP4, HLS MPEG-TS and DASH ON_DEMAND sessions and from GetClip.
 * Every video and audio packet of the source must come back bit-identical (framemd5; MPEG-TS
 * normalised as in playback-ffmpeg.test.ts), and the timestamps ffmpeg's demuxers report must be
 * sane: dts strictly increasing per stream, no negative pts, pts ≥ dts, and the video's composition
 * times (B-frame reordering) the same as the source's. Audio-first interleaving is sent with video
 * as track 1: KVS playback refuses an AAC track 1 next to video (spec §7.3/§7.4, tracks.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import {
  GetClipCommand,
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
  type KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { clustersSent, ffmpegPutMedia, listFragments } from '../helpers/ffmpeg-producer.js';
import { archivedClient, frameHashes, SLICES_FROM_ANNEXB, SLICES_FROM_AVCC } from '../helpers/playback.js';
import { UNLIMITED_PLAYBACK } from '../../src/playback/limits.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { ffmpegMissing, ffprobeMissing, fixture, run } from '../helpers/tools.js';

const missing = ffmpegMissing || ffprobeMissing;

// MPEG-TS carries video as Annex B with parameter sets and AUDs added (spec §8), so both sides are
// reduced to the coded slices (and SEI) before comparing; the same normalisation as playback-ffmpeg.
const HEVC_STRIP = 'filter_units=remove_types=32|33|34|35';
const cases = [
  {
    name: 'h264-bframes-aac.mkv',
    codec: 'h264',
    tsFromSource: SLICES_FROM_AVCC,
    tsFromTs: SLICES_FROM_ANNEXB,
  },
  {
    name: 'hevc-aac.mkv',
    codec: 'hevc',
    tsFromSource: `hevc_mp4toannexb,${HEVC_STRIP}`,
    tsFromTs: HEVC_STRIP,
  },
  {
    name: 'audio-first-aac-h264.mkv',
    codec: 'h264',
    tsFromSource: SLICES_FROM_AVCC,
    tsFromTs: SLICES_FROM_ANNEXB,
  },
] as const;

interface Packet {
  type: 'video' | 'audio';
  pts: number;
  dts: number;
}

/**
 * The pts/dts (seconds) of every packet of one stream kind, in read order, as ffmpeg's demuxer of
 * `input` reports them (framemd5 lines: stream, dts, pts, … in the `#tb` time base). Each kind is
 * read alone: ffmpeg's DASH demuxer ends at the first representation to run out, so reading both
 * would lose the video frames after the audio's end (audio-first files end their audio first).
 */
async function packetTimes(input: string, kind: 'v' | 'a'): Promise<Packet[]> {
  const r = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      input,
      '-map',
      `0:${kind}`,
      '-c',
      'copy',
      '-f',
      'framemd5',
      '-',
    ],
    { timeoutMs: 120_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const tb = /^#tb 0: (\d+)\/(\d+)$/m.exec(r.stdout);
  assert.ok(tb, `no time base in ${r.stdout.slice(0, 200)}`);
  const unit = Number(tb[1]) / Number(tb[2]);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [, dts, pts] = l.split(',').map((x) => x.trim());
      return { type: kind === 'v' ? 'video' : 'audio', pts: Number(pts) * unit, dts: Number(dts) * unit };
    });
}

async function probeTimes(input: string): Promise<Packet[]> {
  return [...(await packetTimes(input, 'v')), ...(await packetTimes(input, 'a'))];
}

/** Video pts in decode order relative to the first key frame's, rounded to ms: the reordering. */
const compositionMs = (packets: Packet[]): number[] => {
  const video = packets.filter((p) => p.type === 'video');
  const base = Math.min(...video.map((p) => p.pts));
  return video.map((p) => Math.round((p.pts - base) * 1000));
};

function assertSaneTimes(label: string, got: Packet[], source: Packet[]): void {
  for (const type of ['video', 'audio'] as const) {
    const s = got.filter((p) => p.type === type);
    assert.ok(
      s.length > 0,
      `${label}: ${type} packets in ${JSON.stringify(got.slice(0, 3))} of ${got.length}`,
    );
    for (const [i, p] of s.entries()) {
      assert.ok(!isNaN(p.pts) && !isNaN(p.dts), `${label}: ${type} packet ${i} lacks pts or dts`);
      assert.ok(p.pts >= 0, `${label}: ${type} packet ${i} has negative pts ${p.pts}`);
      assert.ok(p.pts + 1e-6 >= p.dts, `${label}: ${type} packet ${i} pts ${p.pts} < dts ${p.dts}`);
      if (i > 0)
        assert.ok(
          p.dts > s[i - 1]!.dts,
          `${label}: ${type} dts not increasing at ${i}: ${s[i - 1]!.dts} → ${p.dts}`,
        );
    }
  }
  const want = compositionMs(source);
  const have = compositionMs(got);
  assert.equal(have.length, want.length, `${label}: video packet count`);
  const off = have.findIndex((ms, i) => Math.abs(ms - want[i]!) > 1);
  assert.equal(
    off,
    -1,
    `${label}: video pts order differs from the source at packet ${off}: ${have[off]} vs ${want[off]} ms`,
  );
}

describe(
  'playback of ordinary encodes (B-frames, x265, AAC first) through every reader',
  { skip: missing },
  () => {
    let srv: TestServer;
    let am: KinesisVideoArchivedMediaClient;
    let dir: string;
    before(async () => {
      // ffprobe and ffmpeg each fetch the same playlists within a second; the per-session quotas
      // (spec §10, tested in serve-quotas) would refuse some of them and ffmpeg silently drops a track.
      srv = await startServer({ limits: { playback: UNLIMITED_PLAYBACK } });
      am = archivedClient(srv.endpoint);
      dir = tempDir('kvideo-bplay-');
    });
    after(async () => {
      am.destroy();
      await srv.close();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const c of cases) {
      describe(c.name, () => {
        const file = fixture(c.name);
        const present = existsSync(file);
        // Short names on purpose: see the DASH todo test below (long names trip ffmpeg's DASH reader).
        const stream = `bp${cases.indexOf(c)}`;
        const startMs = Date.now() - 600_000;
        const selector = {
          FragmentSelectorType: 'PRODUCER_TIMESTAMP' as const,
          TimestampRange: { StartTimestamp: new Date(startMs), EndTimestamp: new Date(startMs + 60_000) },
        };
        let source: { v: string[]; a: string[]; tsV: string[]; times: Packet[] };

        before(async () => {
          if (!present) {
            // make-fixtures.sh leaves it out when its ffmpeg has no libx265.
            process.stdout.write(
              `# ${c.name} not present (no libx265 when the fixtures were made): skipped\n`,
            );
            return;
          }
          source = {
            v: await frameHashes(file, 'v'),
            a: await frameHashes(file, 'a'),
            tsV: await frameHashes(file, 'v', { videoBsf: c.tsFromSource }),
            times: await probeTimes(file),
          };
          if (c.name.startsWith('audio-first')) {
            const order = await run('ffprobe', [
              '-v',
              'error',
              '-show_entries',
              'packet=codec_type',
              '-of',
              'csv=p=0',
              file,
            ]);
            assert.equal(order.stdout.split('\n')[0], 'audio', 'audio leads');
          }
          const kv = controlPlaneClient(srv.endpoint);
          await kv.send(new CreateStreamCommand({ StreamName: stream, DataRetentionInHours: 1 }));
          kv.destroy();
          // Every playback API requires video as track 1 (spec §7.3, §7.4; an AAC track 1 with video is
          // refused, as KVS documents), so video is mapped first. The AAC-first file keeps its
          // audio-first interleaving: its audio blocks lead the video in time (checked above).
          const outputArgs = ['-map', '0:v', '-map', '0:a'];
          const sent = clustersSent(file, outputArgs);
          const ff = await ffmpegPutMedia(file, srv.endpoint, stream, {
            outputArgs,
            headers: [
              'x-amzn-fragment-timecode-type: RELATIVE',
              `x-amzn-producer-start-timestamp: ${(startMs / 1000).toFixed(3)}`,
            ],
          });
          assert.equal(ff.code, 0, ff.stderr);
          // The last fragment may still be persisting when ffmpeg exits: wait for all (bounded).
          const deadline = Date.now() + 60_000;
          while ((await listFragments(srv.endpoint, stream)).length < sent && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 200));
          }
          assert.equal((await listFragments(srv.endpoint, stream)).length, sent, 'every fragment stored');
        });

        const skip = present ? false : `${c.name} not present`;

        test('HLS fMP4 ON_DEMAND: every packet bit-identical, sane timestamps', { skip }, async () => {
          const out = await am.send(
            new GetHLSStreamingSessionURLCommand({
              StreamName: stream,
              PlaybackMode: 'ON_DEMAND',
              HLSFragmentSelector: selector,
            }),
          );
          const url = out.HLSStreamingSessionURL!;
          const v = await frameHashes(url, 'v');
          assert.equal(v.length, source.v.length, 'video packet count');
          assert.deepEqual(v, source.v);
          assert.deepEqual(await frameHashes(url, 'a'), source.a);
          assertSaneTimes('HLS fMP4', await probeTimes(url), source.times);
        });

        test(
          'HLS MPEG-TS ON_DEMAND: every packet bit-identical (TS-normalised), sane timestamps',
          { skip },
          async () => {
            const out = await am.send(
              new GetHLSStreamingSessionURLCommand({
                StreamName: stream,
                PlaybackMode: 'ON_DEMAND',
                ContainerFormat: 'MPEG_TS',
                HLSFragmentSelector: selector,
              }),
            );
            const url = out.HLSStreamingSessionURL!;
            const v = await frameHashes(url, 'v', { videoBsf: c.tsFromTs });
            assert.equal(v.length, source.tsV.length, 'video packet count');
            assert.deepEqual(v, source.tsV);
            // AAC travels in ADTS frames; without their headers the frames are the stored ones.
            const a = await frameHashes(url, 'a', { audioBsf: 'aac_adtstoasc' });
            assert.equal(a.length, source.a.length, 'audio packet count');
            assert.deepEqual(a, source.a);
            assertSaneTimes('HLS MPEG-TS', await probeTimes(url), source.times);
          },
        );

        test('DASH ON_DEMAND: every packet bit-identical, sane timestamps', { skip }, async () => {
          const out = await am.send(
            new GetDASHStreamingSessionURLCommand({
              StreamName: stream,
              PlaybackMode: 'ON_DEMAND',
              DASHFragmentSelector: selector,
            }),
          );
          const url = out.DASHStreamingSessionURL!;
          const v = await frameHashes(url, 'v');
          assert.equal(v.length, source.v.length, 'video packet count');
          assert.deepEqual(v, source.v);
          assert.deepEqual(await frameHashes(url, 'a'), source.a);
          assertSaneTimes('DASH', await probeTimes(url), source.times);
        });

        test('GetClip: an MP4 with every packet bit-identical, sane timestamps', { skip }, async () => {
          const out = await am.send(
            new GetClipCommand({
              StreamName: stream,
              ClipFragmentSelector: {
                FragmentSelectorType: 'PRODUCER_TIMESTAMP',
                TimestampRange: selector.TimestampRange,
              },
            }),
          );
          assert.equal(out.ContentType, 'video/mp4');
          const clip = join(dir, `${stream}.mp4`);
          writeFileSync(clip, await out.Payload!.transformToByteArray());
          const codecs = await run('ffprobe', [
            '-v',
            'error',
            '-show_entries',
            'stream=codec_name',
            '-of',
            'csv=p=0',
            clip,
          ]);
          assert.ok(
            codecs.stdout.includes(c.codec) && codecs.stdout.includes('aac'),
            codecs.stdout + codecs.stderr,
          );
          const v = await frameHashes(clip, 'v');
          assert.equal(v.length, source.v.length, 'video packet count');
          assert.deepEqual(v, source.v);
          assert.deepEqual(await frameHashes(clip, 'a'), source.a);
          assertSaneTimes('GetClip', await probeTimes(clip), source.times);
        });
      });
    }

    // Known bug (not fixed here): ffmpeg's DASH demuxer sizes its URL buffer from the MPD URL
    // (rounded up to 64 bytes) plus BaseURLs, Representation id and bandwidth, and turns a longer
    // SegmentURL into "invalid:truncated". Our SegmentURLs are ~82 characters longer than the MPD
    // URL (FragmentNumber, TrackNumber), so depending on the token length (it embeds the stream
    // ARN) ffmpeg cannot read the session at all. Same fixture, same fragments, another name.
    test(
      'DASH ON_DEMAND of a stream with a 26-character name',
      {
        skip: existsSync(fixture(cases[0].name)) ? false : 'fixture missing',
        todo: 'SegmentURLs overflow ffmpeg dashdec URL buffer',
      },
      async () => {
        const file = fixture(cases[0].name);
        // A name whose session URL length is known to trip it (the failure depends on the length mod 64).
        const stream = 'bplay-h264-bframes-aac-mkv';
        const startMs = Date.now() - 300_000;
        const kv = controlPlaneClient(srv.endpoint);
        await kv.send(new CreateStreamCommand({ StreamName: stream, DataRetentionInHours: 1 }));
        kv.destroy();
        const sent = clustersSent(file);
        const ff = await ffmpegPutMedia(file, srv.endpoint, stream, {
          headers: [
            'x-amzn-fragment-timecode-type: RELATIVE',
            `x-amzn-producer-start-timestamp: ${(startMs / 1000).toFixed(3)}`,
          ],
        });
        assert.equal(ff.code, 0, ff.stderr);
        const deadline = Date.now() + 60_000;
        while ((await listFragments(srv.endpoint, stream)).length < sent && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
        }
        const out = await am.send(
          new GetDASHStreamingSessionURLCommand({
            StreamName: stream,
            PlaybackMode: 'ON_DEMAND',
            DASHFragmentSelector: {
              FragmentSelectorType: 'PRODUCER_TIMESTAMP',
              TimestampRange: { StartTimestamp: new Date(startMs), EndTimestamp: new Date(startMs + 60_000) },
            },
          }),
        );
        const url = out.DASHStreamingSessionURL!;
        assert.deepEqual(await frameHashes(url, 'v'), await frameHashes(file, 'v'));
      },
    );
  },
);
