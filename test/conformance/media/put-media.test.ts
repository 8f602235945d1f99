/**
 * PutMedia over raw HTTP/1.1 (so the response's chunk framing is visible): ACK order and shape,
 * every ERROR code kvideo emits, header errors, idle handling, retention 0, connection limits,
 * two segments in one body, abrupt disconnects and byte streams split at random boundaries.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
} from '@aws-sdk/client-kinesis-video';
import { concatBytes } from '../../../src/mkv/writer.js';
import { cluster, clusters, ebmlHeader, mkvStream, segmentHead, tags } from '../../helpers/mkv-stream.js';
import { putMediaRaw, type Ack, type PutMediaResult } from '../../helpers/put-media.js';
import { controlPlaneClient, startServer, type TestServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/tools.js';

function fragmentsOf(result: PutMediaResult): string[] {
  return [...new Set(result.acks.filter((a) => a.FragmentNumber).map((a) => a.FragmentNumber!))];
}

function eventsOf(result: PutMediaResult, fragmentNumber: string): string[] {
  return result.acks.filter((a) => a.FragmentNumber === fragmentNumber).map((a) => a.EventType);
}

function errorOf(result: PutMediaResult): Ack | undefined {
  return result.acks.find((a) => a.EventType === 'ERROR');
}

describe('PutMedia', () => {
  let srv: TestServer;
  let counter = 0;
  const newStream = async (retention = 24): Promise<string> => {
    const name = `put-${++counter}`;
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: retention }));
    kv.destroy();
    return name;
  };
  const put = (stream: string, pieces: Uint8Array[], extra: Record<string, string> = {}) =>
    putMediaRaw({ endpoint: srv.endpoint, headers: { 'x-amzn-stream-name': stream, ...extra }, pieces });

  before(async () => {
    srv = await startServer({
      ingestLimits: { maxFragmentBytes: 200_000, idleAckIntervalMs: 100, idleTimeoutMs: 450 },
    });
  });
  after(async () => {
    await srv.close();
  });

  test('each fragment gets BUFFERING, RECEIVED, PERSISTED; each ACK is one LF-terminated HTTP chunk', async () => {
    const stream = await newStream();
    const res = await put(stream, [mkvStream({ clusters: clusters(3, 1_700_000_000_000) })]);
    assert.equal(res.status, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.headers['content-type'], 'application/json');
    assert.match(res.headers['x-amzn-requestid'] ?? '', /^[0-9a-f-]{36}$/);
    for (const chunk of res.chunks) assert.equal(chunk.indexOf('\n'), chunk.length - 1);
    const numbers = fragmentsOf(res);
    assert.equal(numbers.length, 3);
    numbers.forEach((n, i) => {
      assert.match(n, /^[0-9]{47}$/);
      if (i > 0) assert.ok(numbers[i - 1]! < n);
      assert.deepEqual(eventsOf(res, n), ['BUFFERING', 'RECEIVED', 'PERSISTED']);
    });
    // Observed key order and JSON types (spec §0.2, §5.6).
    assert.equal(
      res.chunks[0],
      `{"EventType":"BUFFERING","FragmentTimecode":1700000000000,"FragmentNumber":"${numbers[0]}"}\n`,
    );
  });

  test('a whole-file upload with Content-Length (the browser sample) is accepted too', async () => {
    const stream = await newStream();
    const body = mkvStream({ clusters: clusters(2, 0) });
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(`${srv.endpoint}/putMedia`, {
        method: 'POST',
        headers: { 'x-amzn-stream-name': stream, 'content-length': body.length },
      });
      req.on('response', (res) => {
        let out = '';
        res.on('data', (d: Buffer) => (out += d.toString()));
        res.on('end', () => resolve(out));
      });
      req.on('error', reject);
      req.end(body);
    });
    const events = text
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as Ack).EventType);
    assert.equal(events.filter((e) => e === 'PERSISTED').length, 2);
  });

  test('fragment numbers keep increasing across sessions and are never reused', async () => {
    const stream = await newStream();
    const a = fragmentsOf(await put(stream, [mkvStream({ clusters: clusters(2, 0) })]));
    const b = fragmentsOf(await put(stream, [mkvStream({ clusters: clusters(2, 5000) })]));
    const all = [...a, ...b];
    assert.deepEqual([...all].sort(), all);
    assert.equal(new Set(all).size, 4);
  });

  test('a byte stream split at random boundaries yields the same fragments, stored bit-exact', async () => {
    const file = readFileSync(fixture('h264-aac.mkv'));
    const reference = await put(await newStream(), [file]);
    const expected = fragmentsOf(reference).length;
    assert.ok(expected >= 4);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: file.length - 1 }), { maxLength: 40 }),
        async (cuts) => {
          const stream = await newStream();
          const points = [0, ...cuts.sort((x, y) => x - y), file.length];
          const pieces = points.slice(1).map((end, i) => file.subarray(points[i]!, end));
          const res = await put(stream, pieces);
          const numbers = fragmentsOf(res);
          assert.equal(numbers.length, expected);
          assert.ok(res.acks.every((a) => a.EventType !== 'ERROR'));
          const store = srv.kvideo.storage.fragments;
          const record = srv.kvideo.storage.meta.getByName(stream)!;
          const stored: Buffer[] = [];
          for (const n of numbers) {
            const meta = store.getFragment(record.streamId, n)!;
            const parts: Buffer[] = [];
            for await (const p of store.openPayload(record.streamId, meta)) parts.push(p as Buffer);
            stored.push(Buffer.concat(parts));
          }
          const firstCluster = file.indexOf(Buffer.from([0x1f, 0x43, 0xb6, 0x75]));
          assert.ok(Buffer.concat(stored).equals(file.subarray(firstCluster)));
        },
      ),
      { numRuns: 8 },
    );
  });

  test('two EBML segments in one body: the first is kept, the second is INVALID_MKV_DATA (4006)', async () => {
    const stream = await newStream();
    const body = concatBytes([
      mkvStream({ clusters: clusters(2, 0) }),
      mkvStream({ clusters: clusters(1, 9000) }),
    ]);
    const res = await put(stream, [body]);
    const numbers = fragmentsOf(res);
    assert.deepEqual(eventsOf(res, numbers[0]!), ['BUFFERING', 'RECEIVED', 'PERSISTED']);
    assert.deepEqual(eventsOf(res, numbers[1]!), ['BUFFERING', 'RECEIVED', 'PERSISTED']);
    assert.deepEqual(errorOf(res), { EventType: 'ERROR', ErrorId: 4006, ErrorCode: 'INVALID_MKV_DATA' });
  });

  test('an AWS_KINESISVIDEO_END_OF_FRAGMENT tag completes the fragment without waiting for the next cluster', async () => {
    const stream = await newStream();
    const seen: { ack: Ack }[] = [];
    await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': stream },
      pieces: [
        concatBytes([
          ebmlHeader(),
          segmentHead(1),
          cluster({ timecode: 0, blocks: [{ rel: 0, key: true }, { rel: 40 }], unknownSize: true }),
          tags([{ name: 'AWS_KINESISVIDEO_END_OF_FRAGMENT', value: '' }]),
        ]),
      ],
      // Held open well below the 3 s IDLE interval, but long enough for a loaded machine to persist.
      holdOpenMs: 2000,
      onAck: (ack) => seen.push({ ack }),
    });
    const persisted = seen.find((s) => s.ack.EventType === 'PERSISTED');
    assert.ok(persisted, JSON.stringify(seen));
    // Without the marker the fragment would complete only at the idle timeout, after IDLE ACKs.
    const firstIdle = seen.findIndex((s) => s.ack.EventType === 'IDLE');
    assert.ok(firstIdle === -1 || seen.indexOf(persisted) < firstIdle, JSON.stringify(seen));
    const record = srv.kvideo.storage.meta.getByName(stream)!;
    const meta = srv.kvideo.storage.fragments.getFragment(record.streamId, persisted.ack.FragmentNumber!)!;
    const parts: Buffer[] = [];
    for await (const p of srv.kvideo.storage.fragments.openPayload(record.streamId, meta))
      parts.push(p as Buffer);
    // The end-of-fragment marker is not stored with the fragment (spec §9.12).
    assert.equal(Buffer.concat(parts).indexOf('AWS_KINESISVIDEO_END_OF_FRAGMENT'), -1);
  });

  test('garbage input: ERROR 4006 in the observed form, then the response ends', async () => {
    const res = await put(await newStream(), [Buffer.from('this is not matroska at all')]);
    assert.equal(res.status, 200);
    assert.deepEqual(res.acks, [{ EventType: 'ERROR', ErrorCode: 'INVALID_MKV_DATA', ErrorId: 4006 }]);
  });

  test('a producer that vanishes mid-cluster: earlier fragments kept, the partial one dropped', async () => {
    const stream = await newStream();
    const body = mkvStream({ clusters: clusters(3, 0) });
    const cut = body.length - 200;
    const persisted: string[] = [];
    await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': stream },
      pieces: [body.subarray(0, cut)],
      holdOpenMs: 10_000,
      // Vanish (no final chunk, socket gone) once the two complete fragments are acknowledged.
      onAck: (ack, socket) => {
        if (ack.EventType === 'PERSISTED') persisted.push(ack.FragmentNumber!);
        if (persisted.length === 2) socket.destroy();
      },
    });
    await new Promise((r) => setTimeout(r, 200));
    const record = srv.kvideo.storage.meta.getByName(stream)!;
    const store = srv.kvideo.storage.fragments;
    assert.equal(persisted.length, 2);
    assert.equal(store.latest(record.streamId)?.fragmentNumber, persisted[1]);
    assert.equal(store.fragmentAfter(record.streamId, persisted[1]!), undefined);
  });

  const errorCases: [string, number, string, () => Uint8Array, Record<string, string>?][] = [
    [
      'a fragment larger than the size limit',
      4001,
      'MAX_FRAGMENT_SIZE_REACHED',
      () =>
        mkvStream({
          clusters: [
            cluster({
              timecode: 0,
              blocks: Array.from({ length: 30 }, (_, i) => ({ rel: i * 40, key: i === 0, size: 8000 })),
            }),
          ],
        }),
    ],
    [
      'a fragment longer than 20 s',
      4002,
      'MAX_FRAGMENT_DURATION_REACHED',
      () =>
        mkvStream({ clusters: [cluster({ timecode: 0, blocks: [{ rel: 0, key: true }, { rel: 20_001 }] })] }),
    ],
    [
      "a fragment whose cluster timecode is lower than the previous fragment's",
      4004,
      'FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS',
      () =>
        mkvStream({
          clusters: [
            cluster({ timecode: 5000, blocks: [{ rel: 0, key: true }, { rel: 500 }] }),
            cluster({ timecode: 4999, blocks: [{ rel: 600, key: true }] }),
          ],
        }),
    ],
    [
      'more than 10 metadata tags on a fragment',
      4009,
      'FRAGMENT_METADATA_LIMIT_REACHED',
      () =>
        concatBytes([
          ebmlHeader(),
          segmentHead(1),
          ...clusters(1, 0),
          tags(Array.from({ length: 11 }, (_, i) => ({ name: `k${i}`, value: 'v' }))),
          ...clusters(1, 1000),
        ]),
    ],
    [
      'a block on a track the Tracks element does not declare',
      4010,
      'TRACK_NUMBER_MISMATCH',
      () =>
        mkvStream({
          clusters: [
            cluster({
              timecode: 0,
              blocks: [
                { rel: 0, key: true },
                { track: 2, rel: 10 },
              ],
            }),
          ],
        }),
    ],
    [
      'more than 3 tracks',
      4012,
      'MORE_THAN_ALLOWED_TRACKS_FOUND',
      () => mkvStream({ trackCount: 4, clusters: clusters(1, 0) }),
    ],
  ];
  for (const [what, id, code, body] of errorCases) {
    test(`${what}: ERROR ${id} ${code} with the fragment's number and timecode`, async () => {
      const res = await put(await newStream(), [body()]);
      const error = errorOf(res);
      assert.ok(error, JSON.stringify(res.acks));
      assert.equal(error.ErrorId, id);
      assert.equal(error.ErrorCode, code);
      if (id !== 4012) {
        assert.match(error.FragmentNumber ?? '', /^[0-9]{47}$/);
        assert.equal(typeof error.FragmentTimecode, 'number');
      }
      assert.equal(res.acks.at(-1), error, 'the ERROR is the last ACK');
    });
  }

  test('frames may overlap across fragments (B-frames, audio leading video): 4004 compares cluster timecodes', async () => {
    // Fragment 2 starts before fragment 1's latest frame (its cluster timecode is still higher), has a
    // frame before its own cluster timecode, and fragment 3 repeats fragment 2's timecode: all accepted.
    const stream = await newStream();
    const res = await put(stream, [
      mkvStream({
        trackCount: 2,
        clusters: [
          cluster({ timecode: 1000, blocks: [{ rel: 0, key: true }, { rel: 960 }, { track: 2, rel: 900 }] }),
          cluster({ timecode: 1900, blocks: [{ rel: 100, key: true }, { track: 2, rel: -20 }, { rel: 60 }] }),
          cluster({
            timecode: 1900,
            blocks: [
              { rel: 1000, key: true },
              { track: 2, rel: 990 },
            ],
          }),
        ],
      }),
    ]);
    assert.equal(errorOf(res), undefined, JSON.stringify(res.acks));
    const numbers = fragmentsOf(res);
    assert.equal(numbers.length, 3);
    for (const n of numbers) assert.deepEqual(eventsOf(res, n), ['BUFFERING', 'RECEIVED', 'PERSISTED']);
  });

  test('connection open past the maximum: ERROR 4003 MAX_CONNECTION_DURATION_REACHED', async () => {
    const short = await startServer({ ingestLimits: { maxConnectionMs: 300, idleAckIntervalMs: 10_000 } });
    try {
      const kv = controlPlaneClient(short.endpoint);
      await kv.send(new CreateStreamCommand({ StreamName: 'long', DataRetentionInHours: 1 }));
      kv.destroy();
      const res = await putMediaRaw({
        endpoint: short.endpoint,
        headers: { 'x-amzn-stream-name': 'long' },
        pieces: [concatBytes([ebmlHeader(), segmentHead(1)]), ...clusters(10, 0)],
        delayMs: 100,
      });
      assert.deepEqual(errorOf(res), {
        EventType: 'ERROR',
        ErrorId: 4003,
        ErrorCode: 'MAX_CONNECTION_DURATION_REACHED',
      });
    } finally {
      await short.close();
    }
  });

  test('the stream is deleted during the upload: ERROR 4008 STREAM_NOT_ACTIVE', async () => {
    const stream = await newStream();
    const kv = controlPlaneClient(srv.endpoint);
    const arn = (await kv.send(new DescribeStreamCommand({ StreamName: stream }))).StreamInfo!.StreamARN!;
    let deleted = false;
    const res = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': stream },
      pieces: [concatBytes([ebmlHeader(), segmentHead(1)]), ...clusters(6, 0)],
      delayMs: 60,
      onAck: (ack) => {
        if (ack.EventType === 'PERSISTED' && !deleted) {
          deleted = true;
          void kv.send(new DeleteStreamCommand({ StreamARN: arn }));
        }
      },
    });
    kv.destroy();
    assert.deepEqual(errorOf(res), { EventType: 'ERROR', ErrorId: 4008, ErrorCode: 'STREAM_NOT_ACTIVE' });
  });

  test('header errors are AWS errors instead of the 200', async () => {
    const missing = await put('no-such-stream', [mkvStream({ clusters: clusters(1) })]);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    const badType = await put(await newStream(), [], { 'x-amzn-fragment-timecode-type': 'SOMETIMES' });
    assert.equal(badType.status, 400);
    assert.equal(badType.headers['x-amzn-errortype'], 'InvalidArgumentException');
    const badName = await put('bad/name', []);
    assert.equal(badName.status, 400);
    const badStart = await put(await newStream(), [], { 'x-amzn-producer-start-timestamp': 'yesterday' });
    assert.equal(badStart.status, 400);
    const none = await putMediaRaw({ endpoint: srv.endpoint, headers: {}, pieces: [] });
    assert.equal(none.status, 400);
  });

  test('RELATIVE timecodes add the producer start timestamp, in decimal and ISO-8601 forms', async () => {
    for (const start of ['1700000000.250', '2023-11-14T22:13:20.250Z']) {
      const stream = await newStream();
      const res = await put(stream, [mkvStream({ clusters: clusters(2, 0) })], {
        'x-amzn-fragment-timecode-type': 'RELATIVE',
        'x-amzn-producer-start-timestamp': start,
      });
      const record = srv.kvideo.storage.meta.getByName(stream)!;
      const [first, second] = fragmentsOf(res).map((n) =>
        srv.kvideo.storage.fragments.getFragment(record.streamId, n)!,
      );
      assert.equal(first!.producerTimestampMs, 1_700_000_000_250);
      assert.equal(second!.producerTimestampMs, 1_700_000_001_250);
      assert.equal(first!.clusterTimecode, 0);
    }
  });

  test('IDLE ACKs while no data arrives, then the session ends after the idle timeout', async () => {
    const res = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': await newStream() },
      pieces: [mkvStream({ clusters: clusters(1, 0) })],
      holdOpenMs: 2000,
    });
    const idle = res.acks.filter((a) => a.EventType === 'IDLE');
    assert.ok(idle.length >= 2, JSON.stringify(res.acks));
    assert.deepEqual(idle[0], { EventType: 'IDLE' });
    // The single cluster completes when the session ends at the idle timeout.
    assert.ok(res.acks.some((a) => a.EventType === 'PERSISTED'));
  });

  test('retention 0: RECEIVED but no PERSISTED (spec §2.1)', async () => {
    const res = await put(await newStream(0), [mkvStream({ clusters: clusters(2, 0) })]);
    assert.deepEqual(
      res.acks.map((a) => a.EventType),
      ['BUFFERING', 'RECEIVED', 'BUFFERING', 'RECEIVED'],
    );
  });

  test('x-amzn-fragment-acknowledgment-required: 0 sends only ERROR ACKs', async () => {
    const ok = await put(await newStream(), [mkvStream({ clusters: clusters(2, 0) })], {
      'x-amzn-fragment-acknowledgment-required': '0',
    });
    assert.deepEqual(ok.acks, []);
    const bad = await put(await newStream(), [Buffer.from('garbage')], {
      'x-amzn-fragment-acknowledgment-required': '0',
    });
    assert.equal(bad.acks[0]?.ErrorId, 4006);
  });

  test('a second concurrent PutMedia on one stream: ConnectionLimitExceededException', async () => {
    const stream = await newStream();
    const first = putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': stream },
      pieces: [concatBytes([ebmlHeader(), segmentHead(1)]), ...clusters(3, 0)],
      delayMs: 100,
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = await put(stream, [mkvStream({ clusters: clusters(1, 0) })]);
    assert.equal(second.status, 400);
    assert.equal(second.headers['x-amzn-errortype'], 'ConnectionLimitExceededException');
    assert.equal((await first).status, 200);
  });

  test('one bad producer does not disturb another stream', async () => {
    const good = await newStream();
    const [goodRes, badRes] = await Promise.all([
      putMediaRaw({
        endpoint: srv.endpoint,
        headers: { 'x-amzn-stream-name': good },
        pieces: [concatBytes([ebmlHeader(), segmentHead(1)]), ...clusters(4, 0)],
        delayMs: 30,
      }),
      put(await newStream(), [
        Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]),
      ]),
    ]);
    assert.equal(errorOf(badRes)?.ErrorId, 4006);
    assert.equal(goodRes.acks.filter((a) => a.EventType === 'PERSISTED').length, 4);
    assert.equal(errorOf(goodRes), undefined);
  });
});
