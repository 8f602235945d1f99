/**
 * Ordinary encodes through ffmpeg straight to the server (no proxy): default libx264 (B-frames) +
 * AAC, default libx265 + AAC, and AAC-first interleaving. Their neighbouring clusters overlap in
 * time (B-frames, audio leading video), which KVS accepts: its 4004 rule compares fragment (cluster)
 * timecodes, not frames (spec §5.5). Every cluster must become a stored fragment, and GetMedia
 * must give back the same packets (framemd5 of input and output), in a file ffprobe and mkvinfo read.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { clustersSent, ffmpegPutMedia, listFragments, packetHashes } from '../helpers/ffmpeg-producer.js';
import { KvsChunkReader } from '../../src/mkv/chunk-reader.js';
import { getMediaBytes } from '../helpers/media.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { ffmpegMissing, ffprobeMissing, fixture, mkvinfoMissing, run } from '../helpers/tools.js';

const missing = ffmpegMissing || ffprobeMissing || mkvinfoMissing;

/** Start times of the blocks of each cluster, in ms, as mkvinfo reports them. */
function clusterBlockTimes(file: string): number[][] {
  const info = execFileSync('mkvinfo', ['-a', file], { maxBuffer: 64 * 1024 * 1024 }).toString();
  const clusters: number[][] = [];
  for (const line of info.split('\n')) {
    if (line.startsWith('|+ Cluster')) clusters.push([]);
    const m = /Simple block:.* timestamp (\d+):(\d+):(\d+)\.(\d+)/.exec(line);
    if (m && clusters.length > 0) {
      const [h, min, s, frac] = m.slice(1).map(Number) as [number, number, number, number];
      clusters.at(-1)!.push((h * 3600 + min * 60 + s) * 1000 + frac / 1e6);
    }
  }
  return clusters;
}

async function waitForFragments(endpoint: string, stream: string, expected: number): Promise<number> {
  // The session may still be persisting when ffmpeg exits; wait for the count (bounded).
  const deadline = Date.now() + 60_000;
  let count = 0;
  while (Date.now() < deadline) {
    count = (await listFragments(endpoint, stream)).length;
    if (count >= expected) return count;
    await new Promise((r) => setTimeout(r, 200));
  }
  return count;
}

// ffmpeg's default mapping puts video first; `-map 0` keeps the AAC-first track order of the file.
const cases = [
  { name: 'h264-bframes-aac.mkv', codec: 'h264', outputArgs: [] },
  { name: 'hevc-aac.mkv', codec: 'hevc', outputArgs: [] },
  { name: 'audio-first-aac-h264.mkv', codec: 'h264', outputArgs: ['-map', '0'] },
] as const;

describe('ordinary encodes (B-frames, interleaved AAC) through ffmpeg', { skip: missing }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });

  for (const { name, codec, outputArgs } of cases) {
    for (const realtime of name === 'h264-bframes-aac.mkv' ? [false, true] : [false]) {
      const label = `${name}${realtime ? ' with -re' : ''}`;
      test(`${label}: every fragment stored, read back frame-identical`, async (t) => {
        const file = fixture(name);
        if (!existsSync(file)) {
          // make-fixtures.sh skips it when its ffmpeg has no libx265.
          process.stdout.write(`# ${name} not present (no libx265 when the fixtures were made): skipped\n`);
          t.skip(`${name} not present`);
          return;
        }
        // The fixture is honest: B-frames in the video, and frames of neighbouring clusters overlap.
        const types = await run('ffprobe', [
          '-v',
          'error',
          '-select_streams',
          'v:0',
          '-show_entries',
          'frame=pict_type',
          '-of',
          'csv=p=0',
          file,
        ]);
        assert.ok(types.stdout.split('\n').includes('B'), `${name} has B-frames`);
        const times = clusterBlockTimes(file);
        assert.ok(
          times.some((c, i) => i > 0 && Math.min(...c) < Math.max(...times[i - 1]!)),
          `${name}: some cluster has a frame earlier than the previous cluster's latest`,
        );
        const probe = await run('ffprobe', [
          '-v',
          'error',
          '-show_entries',
          'stream=codec_name',
          '-of',
          'csv=p=0',
          file,
        ]);
        assert.ok(probe.stdout.includes(codec) && probe.stdout.includes('aac'), probe.stdout);

        const stream = `bf-${name.replace(/\W/g, '-')}${realtime ? '-re' : ''}`;
        const kv = controlPlaneClient(srv.endpoint);
        await kv.send(new CreateStreamCommand({ StreamName: stream, DataRetentionInHours: 1 }));
        kv.destroy();

        const sent = clustersSent(file, [...outputArgs]);
        assert.equal(sent, times.length, 'ffmpeg sends the fixture clusters as they are');
        const ff = await ffmpegPutMedia(file, srv.endpoint, stream, {
          realtime,
          outputArgs: [...outputArgs],
        });
        assert.equal(ff.code, 0, ff.stderr);
        assert.equal(await waitForFragments(srv.endpoint, stream, sent), sent, 'every fragment stored');

        const { bytes } = await getMediaBytes(srv.endpoint, stream, { StartSelectorType: 'EARLIEST' }, 2000);
        const out = join(tempDir('kvideo-bframes-'), 'get-media.mkv');
        writeFileSync(out, bytes);
        assert.deepEqual(await packetHashes(out), await packetHashes(file), 'the same packets came back');
        // The body is a sequence of EBML documents (spec §6.3): ffprobe reads across them (the packets
        // above) but notes each new Segment, and mkvinfo reads one. So each chunk is checked alone.
        const reader = new KvsChunkReader();
        const chunks = [...reader.push(bytes), ...reader.end()];
        assert.equal(chunks.length, sent);
        let offset = 0;
        for (const [i, chunk] of chunks.entries()) {
          const part = join(tempDir('kvideo-chunk-'), `chunk-${i}.mkv`);
          writeFileSync(part, bytes.subarray(offset, offset + chunk.byteLength));
          offset += chunk.byteLength;
          const mkv = await run('mkvinfo', ['-a', part]);
          assert.equal(
            mkv.code,
            0,
            `chunk ${i}: ${mkv.stdout
              .split('\n')
              .filter((l) => /rror|arning/.test(l))
              .join('; ')}`,
          );
        }
      });
    }
  }
});
