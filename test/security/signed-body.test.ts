/**
 * `--auth`: the signature binds the body (issue #11). A request that declares
 * `x-amz-content-sha256` used to be verified against the declared value, so a captured signed
 * request could be replayed with any body within the 5-minute window. Now JSON APIs hash the
 * body received; UNSIGNED-PAYLOAD and the streaming markers are accepted for PutMedia only
 * (spec §0 trap 6, §4); a PutMedia that declares a concrete hash is verified before any fragment
 * is ingested. Requests are signed by the AWS SDK's own signer (@smithy/signature-v4) and sent raw,
 * so the wire bytes are what is tested; the SDK clients are checked to keep working.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis-video';
import { ListFragmentsCommand } from '@aws-sdk/client-kinesis-video-archived-media';
import { EMPTY_SHA256, STREAMING_PAYLOAD, UNSIGNED_PAYLOAD } from '../../src/auth/index.js';
import { decodeHttpResponse } from '../helpers/http-chunks.js';
import { clusters, mkvStream } from '../helpers/mkv-stream.js';
import type { TestServer } from '../helpers/server.js';
import { putMediaTo } from './raw-put-media.js';
import {
  ADMIN,
  CAMERA,
  archivedClientFor,
  controlClient,
  jsonError,
  presignPath,
  rawRequest,
  signHeaders,
  startAuthServer,
} from './auth-helpers.js';

const sha256 = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const MISMATCH = /^The request signature we calculated does not match/;

describe('signed bodies (--auth)', () => {
  let srv: TestServer;
  const arns: Record<string, string> = {};

  const fragmentCount = async (stream: string): Promise<number> => {
    const client = archivedClientFor(srv.endpoint, ADMIN);
    const out = await client.send(
      new ListFragmentsCommand({
        StreamName: stream,
        FragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: { StartTimestamp: new Date(0), EndTimestamp: new Date(Date.now() + 3600_000) },
        },
      }),
    );
    client.destroy();
    return out.Fragments?.length ?? 0;
  };

  before(async () => {
    srv = await startAuthServer({ limits: { putMediaCallsPerSecond: 1000, getMediaCallsPerSecond: 1000 } });
    const admin = controlClient(srv.endpoint, ADMIN);
    for (const name of ['cam-1', 'cam-2', 'cam-victim', 'cam-bait']) {
      const out = await admin.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: 24 }));
      arns[name] = out.StreamARN!;
    }
    admin.destroy();
  });
  after(async () => {
    await srv.close();
  });

  test('a signed JSON request replayed with another body is refused (DescribeStream, DeleteStream)', async () => {
    const body = JSON.stringify({ StreamName: 'cam-1' });
    // As aws-sdk-cpp and the JS signer with applyChecksum send it: the body hash declared too.
    const signed = await signHeaders(srv.endpoint, '/describeStream', CAMERA, {
      headers: { 'content-type': 'application/json' },
      body,
      applyChecksum: true,
    });
    assert.equal(signed['x-amz-content-sha256'], sha256(body));
    const ok = await rawRequest(srv.endpoint, '/describeStream', { headers: signed, body });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(
      (JSON.parse(ok.body) as { StreamInfo: { StreamName: string } }).StreamInfo.StreamName,
      'cam-1',
    );

    const replay = await rawRequest(srv.endpoint, '/describeStream', {
      headers: signed,
      body: JSON.stringify({ StreamName: 'cam-2' }),
    });
    assert.equal(replay.status, 403, replay.body);
    assert.equal(jsonError(replay).type, 'InvalidSignatureException');
    assert.match(jsonError(replay).message ?? '', MISMATCH);

    // The destructive case: a DeleteStream signed for one stream, replayed against another.
    const deleteBait = JSON.stringify({ StreamARN: arns['cam-bait'] });
    const signedDelete = await signHeaders(srv.endpoint, '/deleteStream', ADMIN, {
      headers: { 'content-type': 'application/json' },
      body: deleteBait,
      applyChecksum: true,
    });
    const deleteReplay = await rawRequest(srv.endpoint, '/deleteStream', {
      headers: signedDelete,
      body: JSON.stringify({ StreamARN: arns['cam-victim'] }),
    });
    assert.equal(deleteReplay.status, 403, deleteReplay.body);
    const admin = controlClient(srv.endpoint, ADMIN);
    const victim = await admin.send(new DescribeStreamCommand({ StreamName: 'cam-victim' }));
    assert.equal(victim.StreamInfo?.Status, 'ACTIVE');
    admin.destroy();
  });

  test('UNSIGNED-PAYLOAD and the streaming markers do not sign a JSON body, in headers or presigned URLs', async () => {
    const body = JSON.stringify({ StreamName: 'cam-1' });
    for (const declared of [UNSIGNED_PAYLOAD, STREAMING_PAYLOAD, EMPTY_SHA256]) {
      const signed = await signHeaders(srv.endpoint, '/describeStream', CAMERA, {
        headers: { 'content-type': 'application/json', 'x-amz-content-sha256': declared },
        body,
      });
      const res = await rawRequest(srv.endpoint, '/describeStream', { headers: signed, body });
      assert.equal(res.status, 403, `${declared}: ${res.body}`);
      assert.equal(jsonError(res).type, 'InvalidSignatureException', declared);
    }
    const presigned = await presignPath(srv.endpoint, '/describeStream', CAMERA, 300, {
      headers: { 'x-amz-content-sha256': UNSIGNED_PAYLOAD },
    });
    const res = await rawRequest(srv.endpoint, presigned, {
      headers: { 'content-type': 'application/json', 'x-amz-content-sha256': UNSIGNED_PAYLOAD },
      body,
    });
    assert.equal(res.status, 403, res.body);
    // A presigned URL that signs the body hash stays valid (covered in sigv4.test.ts too).
    const bound = await presignPath(srv.endpoint, '/describeStream', CAMERA, 300, { body });
    const good = await rawRequest(srv.endpoint, bound, {
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(good.status, 200, good.body);
  });

  test('SDK v3 clients keep working (they sign the body they send)', async () => {
    const cam = controlClient(srv.endpoint, CAMERA);
    const described = await cam.send(new DescribeStreamCommand({ StreamName: 'cam-2' }));
    assert.equal(described.StreamInfo?.StreamName, 'cam-2');
    cam.destroy();
    const admin = controlClient(srv.endpoint, ADMIN);
    const listed = await admin.send(new ListStreamsCommand({}));
    assert.ok((listed.StreamInfoList ?? []).some((s) => s.StreamName === 'cam-2'));
    const temp = await admin.send(
      new CreateStreamCommand({ StreamName: 'cam-temp', DataRetentionInHours: 1 }),
    );
    await admin.send(new DeleteStreamCommand({ StreamARN: temp.StreamARN! }));
    admin.destroy();
  });

  test('PutMedia signed with its body hash: verified before ingest; another body gets 403 and stores nothing', async () => {
    const media = mkvStream({ clusters: clusters(2, 1_700_000_000_000) });
    const other = mkvStream({ clusters: clusters(3, 1_700_000_100_000) });
    const signed = await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
      headers: { 'x-amzn-stream-name': 'cam-1', 'x-amzn-fragment-timecode-type': 'ABSOLUTE' },
      body: media,
      applyChecksum: true,
    });
    assert.equal(signed['x-amz-content-sha256'], sha256(media));
    const before = await fragmentCount('cam-1');
    const ok = await putMediaTo({ endpoint: srv.endpoint, headers: signed, body: media });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.acks.filter((a) => a.EventType === 'PERSISTED').length, 2, JSON.stringify(ok.acks));
    assert.equal(await fragmentCount('cam-1'), before + 2);

    const replay = await putMediaTo({ endpoint: srv.endpoint, headers: signed, body: other });
    assert.equal(replay.status, 403, replay.body);
    assert.equal(replay.headers['x-amzn-errortype'], 'InvalidSignatureException');
    assert.match(
      (JSON.parse(replay.body) as { message: string }).message,
      /x-amz-content-sha256' header does not match/,
    );
    assert.deepEqual(replay.acks, []);
    assert.equal(await fragmentCount('cam-1'), before + 2, 'the replayed body stored nothing');
  });

  test('PutMedia: the streaming forms stay unsigned-body, other declared forms are refused', async () => {
    const media = mkvStream({ clusters: clusters(1, 1_700_000_200_000) });
    for (const declared of [EMPTY_SHA256, STREAMING_PAYLOAD, UNSIGNED_PAYLOAD]) {
      const signed = await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
        headers: { 'x-amzn-stream-name': 'cam-2', 'x-amz-content-sha256': declared },
      });
      const res = await putMediaTo({ endpoint: srv.endpoint, headers: signed, body: media });
      assert.equal(res.status, 200, `${declared}: ${res.body}`);
      assert.ok(
        res.acks.some((a) => a.EventType === 'PERSISTED'),
        declared,
      );
    }
    for (const declared of ['STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'not-a-hash']) {
      const signed = await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
        headers: { 'x-amzn-stream-name': 'cam-2', 'x-amz-content-sha256': declared },
      });
      const res = await putMediaTo({ endpoint: srv.endpoint, headers: signed, body: media });
      assert.equal(res.status, 403, `${declared}: ${res.body}`);
      assert.equal(res.headers['x-amzn-errortype'], 'InvalidSignatureException', declared);
    }
  });
});

test('a PutMedia body signed with its hash must fit in the ingest memory budget (413, nothing ingested)', async () => {
  const srv = await startAuthServer({ limits: { ingestMemoryBytes: 64 * 1024 } });
  try {
    const admin = controlClient(srv.endpoint, ADMIN);
    await admin.send(new CreateStreamCommand({ StreamName: 'cam-big', DataRetentionInHours: 1 }));
    admin.destroy();
    const media = mkvStream({ clusters: clusters(4, 1_700_000_000_000, 40_000) });
    assert.ok(media.length > 64 * 1024);
    const signed = await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
      headers: { 'x-amzn-stream-name': 'cam-big' },
      body: media,
      applyChecksum: true,
    });
    // The server answers before the body is in and closes: read the answer, ignore EPIPE.
    const url = new URL(srv.endpoint);
    const raw = await new Promise<Buffer>((resolve) => {
      const socket = connect(Number(url.port), url.hostname);
      const got: Buffer[] = [];
      socket.on('data', (d: Buffer) => got.push(d));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Buffer.concat(got)));
      const head = Object.entries({ ...signed, 'content-length': String(media.length), connection: 'close' })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(`POST /putMedia HTTP/1.1\r\n${head}\r\n`);
      socket.end(media);
    });
    const res = decodeHttpResponse(raw);
    assert.equal(res.status, 413, res.body);
    assert.equal(res.headers['x-amzn-errortype'], 'ClientLimitExceededException');
    assert.match(res.body, /must fit in the ingest memory budget/);
  } finally {
    await srv.close();
  }
});
