/**
 * ffmpeg as a real live producer: it POSTs chunked live Matroska with the x-amzn headers, and
 * every fragment (one per key-frame group) must get BUFFERING, RECEIVED and PERSISTED in order,
 * each ACK its own HTTP chunk, with strictly increasing 47-digit fragment numbers. ffmpeg asks for
 * the ACKs here, and a recording proxy reads them (ffmpeg itself never does); the direct,
 * proxy-less runs are ffmpeg-hang-up.test.ts and ffmpeg-bframes.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import {
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import {
  controlPlaneClient,
  startServer,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestServer,
} from '../helpers/server.js';
import { decodeHttpResponse } from '../helpers/http-chunks.js';
import { startRecorder } from '../helpers/tcp-recorder.js';
import {
  countKeyFrames,
  ffmpegMissing,
  ffprobeMissing,
  fixture,
  run,
  LIVE_MKV_OUTPUT,
} from '../helpers/tools.js';

interface Ack {
  EventType: string;
  FragmentNumber?: string;
  FragmentTimecode?: number;
}

describe('ffmpeg as a PutMedia producer', { skip: ffmpegMissing || ffprobeMissing }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });

  for (const [name, retention] of [
    ['h264-aac.mkv', 24],
    ['h264-only.mkv', 1],
  ] as const) {
    test(`${name}: every key-frame group becomes one acknowledged, persisted fragment`, async () => {
      const stream = `ffmpeg-${name.replace(/\W/g, '-')}`;
      const kv = controlPlaneClient(srv.endpoint);
      await kv.send(new CreateStreamCommand({ StreamName: stream, DataRetentionInHours: retention }));
      kv.destroy();
      const recorder = await startRecorder(srv.endpoint);
      const ff = await run('ffmpeg', [
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        fixture(name),
        '-c',
        'copy',
        ...LIVE_MKV_OUTPUT,
        '-method',
        'POST',
        '-headers',
        // ffmpeg gets no ACKs unless it asks (it never reads them, see ffmpeg-hang-up.test.ts);
        // this test asks, and reads them through the recording proxy.
        `x-amzn-stream-name: ${stream}\r\nx-amzn-fragment-timecode-type: ABSOLUTE\r\nx-amzn-fragment-acknowledgment-required: 1\r\n`,
        `${recorder.endpoint}/putMedia`,
      ]);
      assert.equal(ff.code, 0, ff.stderr);
      // ffmpeg may hang up before the last ACKs; give the server a moment to finish writing them.
      await new Promise((r) => setTimeout(r, 300));
      await recorder.close();

      const [raw] = recorder.responses();
      assert.ok(raw, 'one connection was made');
      const { status, chunks } = decodeHttpResponse(raw);
      assert.equal(status, 200);
      const acks = chunks.map((c) => {
        assert.ok(
          c.endsWith('\n') && c.indexOf('\n') === c.length - 1,
          'one ACK per HTTP chunk, LF-terminated',
        );
        return JSON.parse(c) as Ack;
      });
      const expected = await countKeyFrames(fixture(name));
      const numbers = [...new Set(acks.filter((a) => a.FragmentNumber).map((a) => a.FragmentNumber!))];
      assert.equal(numbers.length, expected, 'one fragment per key-frame group');
      assert.ok(
        acks.every((a) => a.EventType !== 'ERROR'),
        JSON.stringify(acks),
      );
      for (let i = 0; i < numbers.length; i++) {
        assert.match(numbers[i]!, /^[0-9]{47}$/);
        if (i > 0) assert.ok(numbers[i - 1]! < numbers[i]!, 'fragment numbers increase as strings');
        const events = acks.filter((a) => a.FragmentNumber === numbers[i]).map((a) => a.EventType);
        assert.deepEqual(events, ['BUFFERING', 'RECEIVED', 'PERSISTED'], numbers[i]);
      }

      const archived = new KinesisVideoArchivedMediaClient({
        endpoint: srv.endpoint,
        region: TEST_REGION,
        credentials: TEST_CREDENTIALS,
      });
      const listed = await archived.send(
        new ListFragmentsCommand({
          StreamName: stream,
          FragmentSelector: {
            FragmentSelectorType: 'SERVER_TIMESTAMP',
            TimestampRange: { StartTimestamp: new Date(0), EndTimestamp: new Date(Date.now() + 60_000) },
          },
        }),
      );
      archived.destroy();
      assert.deepEqual(
        listed.Fragments?.map((f) => f.FragmentNumber),
        numbers,
      );
      for (const f of listed.Fragments ?? []) {
        assert.ok((f.FragmentSizeInBytes ?? 0) > 0);
        assert.ok(
          (f.FragmentLengthInMilliseconds ?? 0) >= 900,
          `fragment length ${f.FragmentLengthInMilliseconds}`,
        );
      }
    });
  }
});
