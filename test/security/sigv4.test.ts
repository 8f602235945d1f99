/**
 * `--auth`: SigV4 is enforced on every API (spec §4), checked with requests signed by the real
 * AWS SDK (@aws-sdk clients) and by the SDK's signer for hand-built PutMedia and presigned
 * requests. Failures carry the AWS front end's names, 403 and a lowercase `message` (spec §1.5);
 * keys restricted away from a stream or action get 401 NotAuthorized/AccessDenied.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetDataEndpointCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  TagStreamCommand,
} from '@aws-sdk/client-kinesis-video';
import { ListFragmentsCommand } from '@aws-sdk/client-kinesis-video-archived-media';
import { GetMediaCommand } from '@aws-sdk/client-kinesis-video-media';
import { EMPTY_SHA256, parseCredentials } from '../../src/auth/index.js';
import { clusters, mkvStream } from '../helpers/mkv-stream.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { captureError, startServer, type TestServer } from '../helpers/server.js';
import { putMediaTo } from './raw-put-media.js';
import {
  ADMIN,
  CAMERA,
  LAB,
  TEMP,
  UNKNOWN,
  archivedClientFor,
  controlClient,
  jsonError,
  mediaClientFor,
  presignPath,
  rawRequest,
  signHeaders,
  startAuthServer,
  type Key,
} from './auth-helpers.js';

const STREAMING_PAYLOAD = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const SIGNATURE_MISMATCH = /^The request signature we calculated does not match the signature you provided/;

async function sdkError(
  fn: () => Promise<unknown>,
): Promise<{ name: string; status?: number; message: string }> {
  const err = await captureError(fn);
  return {
    name: err.name,
    status: (err.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode,
    message: err.message,
  };
}

/** Reads a GetMedia response through the SDK until `idleMs` pass without data. */
async function sdkGetMedia(endpoint: string, key: Key, stream: string, idleMs = 400): Promise<Buffer> {
  const client = mediaClientFor(endpoint, key);
  try {
    const out = await client.send(
      new GetMediaCommand({ StreamName: stream, StartSelector: { StartSelectorType: 'EARLIEST' } }),
    );
    const payload = out.Payload as unknown as Readable;
    const parts: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      let timer = setTimeout(done, idleMs);
      function done(): void {
        payload.destroy();
        resolve();
      }
      payload.on('data', (d: Buffer) => {
        parts.push(Buffer.from(d));
        clearTimeout(timer);
        timer = setTimeout(done, idleMs);
      });
      payload.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return Buffer.concat(parts);
  } finally {
    client.destroy();
  }
}

describe('SigV4 enforcement (--auth)', () => {
  let srv: TestServer;
  const media = mkvStream({ clusters: clusters(2, 1_700_000_000_000) });

  const putMedia = (headers: Record<string, string>) =>
    putMediaRaw({ endpoint: srv.endpoint, headers, pieces: [media] });

  before(async () => {
    srv = await startAuthServer({ limits: { putMediaCallsPerSecond: 1000, getMediaCallsPerSecond: 1000 } });
    const admin = controlClient(srv.endpoint, ADMIN);
    for (const name of ['cam-1', 'cam-2', 'lab', 'other']) {
      await admin.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: 24 }));
    }
    admin.destroy();
  });
  after(async () => {
    await srv.close();
  });

  test('SDK-signed control-plane, GetMedia and ListFragments calls with known keys succeed', async () => {
    const cam = controlClient(srv.endpoint, CAMERA);
    const described = await cam.send(new DescribeStreamCommand({ StreamName: 'cam-1' }));
    assert.equal(described.StreamInfo?.StreamName, 'cam-1');
    const endpoint = await cam.send(
      new GetDataEndpointCommand({ StreamName: 'cam-1', APIName: 'GET_MEDIA' }),
    );
    assert.equal(endpoint.DataEndpoint, srv.endpoint);
    cam.destroy();

    const headers = await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
      headers: { 'x-amzn-stream-name': 'cam-1' },
    });
    const put = await putMedia(headers);
    assert.equal(put.status, 200, put.body);
    assert.equal(put.acks.filter((a) => a.EventType === 'PERSISTED').length, 2, JSON.stringify(put.acks));

    const bytes = await sdkGetMedia(srv.endpoint, CAMERA, 'cam-1');
    assert.ok(bytes.includes(Buffer.from('AWS_KINESISVIDEO_FRAGMENT_NUMBER')), 'GetMedia returned chunks');

    const archived = archivedClientFor(srv.endpoint, CAMERA);
    const listed = await archived.send(new ListFragmentsCommand({ StreamName: 'cam-1' }));
    assert.equal(listed.Fragments?.length, 2);
    archived.destroy();
  });

  test('unknown key → 403 UnrecognizedClientException', async () => {
    const err = await sdkError(() =>
      controlClient(srv.endpoint, UNKNOWN).send(new DescribeStreamCommand({ StreamName: 'cam-1' })),
    );
    assert.deepEqual(err, {
      name: 'UnrecognizedClientException',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
  });

  test('wrong secret → 403 InvalidSignatureException, on JSON APIs and on GetMedia', async () => {
    const wrong = { ...CAMERA, secretAccessKey: 'not-the-secret' };
    const cp = await sdkError(() =>
      controlClient(srv.endpoint, wrong).send(new DescribeStreamCommand({ StreamName: 'cam-1' })),
    );
    assert.equal(cp.name, 'InvalidSignatureException');
    assert.equal(cp.status, 403);
    assert.match(cp.message, SIGNATURE_MISMATCH);
    const gm = await sdkError(() => sdkGetMedia(srv.endpoint, wrong, 'cam-1'));
    assert.equal(gm.name, 'InvalidSignatureException');
    assert.equal(gm.status, 403);
  });

  test('missing authentication → 403 MissingAuthenticationTokenException with a lowercase message', async () => {
    for (const path of ['/describeStream', '/getMedia', '/listFragments', '/putMedia', '/noSuchOperation']) {
      const res = await rawRequest(srv.endpoint, path, {
        headers: { 'content-type': 'application/json', 'x-amzn-stream-name': 'cam-1' },
        body: JSON.stringify({ StreamName: 'cam-1' }),
      });
      assert.equal(res.status, 403, path);
      assert.deepEqual(JSON.parse(res.body), { message: 'Missing Authentication Token' }, path);
      assert.equal(res.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
      assert.match(String(res.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
    }
  });

  test('clock skew window is 5 minutes, both directions', async () => {
    const withOffset = (ms: number) =>
      controlClient(srv.endpoint, CAMERA, { systemClockOffset: ms }).send(
        new DescribeStreamCommand({ StreamName: 'cam-1' }),
      );
    const late = await sdkError(() => withOffset(-6 * 60_000));
    assert.equal(late.name, 'InvalidSignatureException');
    assert.equal(late.status, 403);
    assert.match(
      late.message,
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
    const early = await sdkError(() => withOffset(6 * 60_000));
    assert.equal(early.name, 'InvalidSignatureException');
    assert.match(early.message, /^Signature not yet current: /);
    // Inside the window both ways.
    assert.equal((await withOffset(-4 * 60_000)).StreamInfo?.StreamName, 'cam-1');
    assert.equal((await withOffset(4 * 60_000)).StreamInfo?.StreamName, 'cam-1');
  });

  test('a changed body, a changed signed header or a wrong scope breaks the signature', async () => {
    const body = JSON.stringify({ StreamName: 'cam-1' });
    const signed = await signHeaders(srv.endpoint, '/describeStream', CAMERA, {
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal((await rawRequest(srv.endpoint, '/describeStream', { headers: signed, body })).status, 200);
    const tampered = await rawRequest(srv.endpoint, '/describeStream', {
      headers: signed,
      body: JSON.stringify({ StreamName: 'cam-2' }),
    });
    assert.equal(tampered.status, 403);
    assert.equal(jsonError(tampered).type, 'InvalidSignatureException');
    assert.match(jsonError(tampered).message ?? '', SIGNATURE_MISMATCH);

    const otherHeader = await rawRequest(srv.endpoint, '/describeStream', {
      headers: { ...signed, 'content-type': 'application/x-amz-json-1.1' },
      body,
    });
    assert.equal(jsonError(otherHeader).type, 'InvalidSignatureException');

    const wrongService = await signHeaders(srv.endpoint, '/describeStream', CAMERA, {
      body,
      service: 'kinesis',
    });
    const res = await rawRequest(srv.endpoint, '/describeStream', { headers: wrongService, body });
    assert.equal(res.status, 403);
    assert.deepEqual(jsonError(res), {
      type: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'kinesisvideo'. ",
    });

    const malformed = await rawRequest(srv.endpoint, '/describeStream', {
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDCAMERA/x',
        'x-amz-date': '20240101T000000Z',
      },
      body,
    });
    assert.equal(malformed.status, 403);
    assert.equal(jsonError(malformed).type, 'IncompleteSignatureException');
  });

  test('session tokens: required and compared when the key has one', async () => {
    const ok = await controlClient(srv.endpoint, TEMP).send(new DescribeStreamCommand({ StreamName: 'lab' }));
    assert.equal(ok.StreamInfo?.StreamName, 'lab');
    for (const key of [
      { ...TEMP, sessionToken: 'tok-999==' },
      { ...TEMP, sessionToken: undefined },
    ]) {
      const err = await sdkError(() =>
        controlClient(srv.endpoint, key).send(new DescribeStreamCommand({ StreamName: 'lab' })),
      );
      assert.equal(err.name, 'UnrecognizedClientException');
      assert.equal(err.status, 403);
    }
  });

  test('PutMedia: empty-string hash, STREAMING-AWS4-HMAC-SHA256-PAYLOAD and producer-c header sets verify', async () => {
    const forms: Record<string, Record<string, string>> = {
      // JS/Go clients: no x-amz-content-sha256 header, empty-string hash.
      empty: await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
        headers: { 'x-amzn-stream-name': 'cam-2', 'x-amzn-fragment-timecode-type': 'ABSOLUTE' },
      }),
      // src/cli/sign.ts and aws-sdk-cpp: the empty-string hash declared in x-amz-content-sha256.
      declared: await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
        headers: { 'x-amzn-stream-name': 'cam-2', 'x-amz-content-sha256': EMPTY_SHA256 },
      }),
      // Java SDK v1 (spec §4): the literal streaming marker, body not signed.
      java: await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
        headers: { 'x-amzn-stream-name': 'cam-2', 'x-amz-content-sha256': STREAMING_PAYLOAD },
      }),
      // producer-c signs hop-by-hop headers and user-agent too (spec §4).
      producerC: await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
        headers: {
          connection: 'close',
          'transfer-encoding': 'chunked',
          'user-agent': 'AWS-SDK-KVS-CPP-CLIENT/3.4.2/1.5.3 GCC/11 Linux/6',
          'x-amzn-fragment-acknowledgment-required': '1',
          'x-amzn-fragment-timecode-type': 'RELATIVE',
          'x-amzn-producer-start-timestamp': '1735704767.413',
          'x-amzn-stream-name': 'cam-2',
        },
        signableHeaders: ['connection', 'transfer-encoding', 'user-agent'],
      }),
    };
    assert.match(
      forms.producerC!.authorization!,
      /SignedHeaders=connection;host;transfer-encoding;user-agent;x-amz-date;x-amzn-fragment-acknowledgment-required;x-amzn-fragment-timecode-type;x-amzn-producer-start-timestamp;x-amzn-stream-name,/,
    );
    assert.equal(forms.empty!['x-amz-content-sha256'], undefined);
    for (const [form, headers] of Object.entries(forms)) {
      const res = await putMedia(headers);
      assert.equal(res.status, 200, `${form}: ${res.body}`);
      const persisted = res.acks.filter((a) => a.EventType === 'PERSISTED');
      assert.equal(persisted.length, 2, `${form}: ${JSON.stringify(res.acks)}`);
      assert.ok(!res.acks.some((a) => a.EventType === 'ERROR'), form);
    }
  });

  test('PutMedia is rejected before the 200: bad signature 403, key restricted away 401', async () => {
    const tampered = await signHeaders(srv.endpoint, '/putMedia', CAMERA, {
      headers: { 'x-amzn-stream-name': 'cam-1' },
    });
    const res = await putMedia({ ...tampered, 'x-amzn-stream-name': 'cam-2' });
    assert.equal(res.status, 403);
    assert.equal(res.headers['x-amzn-errortype'], 'InvalidSignatureException');
    assert.match(JSON.parse(res.body).message, SIGNATURE_MISMATCH);
    assert.deepEqual(res.acks, []);

    const away = await putMedia(
      await signHeaders(srv.endpoint, '/putMedia', CAMERA, { headers: { 'x-amzn-stream-name': 'other' } }),
    );
    assert.equal(away.status, 401);
    assert.equal(away.headers['x-amzn-errortype'], 'NotAuthorizedException');
    assert.match(
      JSON.parse(away.body).Message,
      /AKIDCAMERA is not authorized to perform: kinesisvideo:PutMedia/,
    );

    const unsigned = await putMedia({ 'x-amzn-stream-name': 'cam-1' });
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
  });

  test('presigned URLs (query-string auth): accepted while valid, rejected when expired or altered', async () => {
    const body = JSON.stringify({ StreamName: 'cam-1' });
    const headers = { 'content-type': 'application/json' };
    const valid = await presignPath(srv.endpoint, '/describeStream', CAMERA, 300, { body });
    assert.equal((await rawRequest(srv.endpoint, valid, { headers, body })).status, 200);

    const old = await presignPath(srv.endpoint, '/describeStream', CAMERA, 60, {
      body,
      date: new Date(Date.now() - 120_000),
    });
    const expired = await rawRequest(srv.endpoint, old, { headers, body });
    assert.equal(expired.status, 403);
    assert.equal(jsonError(expired).type, 'InvalidSignatureException');
    assert.match(jsonError(expired).message ?? '', /^Signature expired: /);

    // A long-lived URL signed in the past is still good (X-Amz-Expires, not the 5-minute skew).
    const longLived = await presignPath(srv.endpoint, '/describeStream', CAMERA, 3600, {
      body,
      date: new Date(Date.now() - 30 * 60_000),
    });
    assert.equal((await rawRequest(srv.endpoint, longLived, { headers, body })).status, 200);

    const altered = valid.replace(/X-Amz-Expires=300/, 'X-Amz-Expires=3000');
    assert.notEqual(altered, valid);
    assert.equal(
      jsonError(await rawRequest(srv.endpoint, altered, { headers, body })).type,
      'InvalidSignatureException',
    );

    // PutMedia, as an older Go client presigned it: the streamed body is not signed.
    const put = await presignPath(srv.endpoint, '/putMedia', CAMERA, 300, {
      headers: { 'x-amzn-stream-name': 'cam-1' },
    });
    const res = await putMediaTo({
      endpoint: srv.endpoint,
      target: put,
      headers: { 'x-amzn-stream-name': 'cam-1' },
      body: media,
    });
    assert.equal(res.status, 200, res.body);
    assert.ok(res.acks.some((a) => a.EventType === 'PERSISTED'));
  });

  test('per-key restrictions: NotAuthorizedException for streams/actions, AccessDeniedException for *Resource', async () => {
    const cam = controlClient(srv.endpoint, CAMERA);
    const lab = controlClient(srv.endpoint, LAB);
    const admin = controlClient(srv.endpoint, ADMIN);
    const otherArn = (await admin.send(new DescribeStreamCommand({ StreamName: 'other' }))).StreamInfo!
      .StreamARN!;
    const camArn = (await admin.send(new DescribeStreamCommand({ StreamName: 'cam-1' }))).StreamInfo!
      .StreamARN!;
    const labArn = (await admin.send(new DescribeStreamCommand({ StreamName: 'lab' }))).StreamInfo!
      .StreamARN!;
    const denied = [
      // stream outside cam-*
      () => cam.send(new DescribeStreamCommand({ StreamName: 'other' })),
      () => cam.send(new DescribeStreamCommand({ StreamARN: otherArn })),
      // action outside the list
      () => cam.send(new CreateStreamCommand({ StreamName: 'cam-9' })),
      () => cam.send(new TagStreamCommand({ StreamName: 'cam-1', Tags: { a: 'b' } })),
      // no stream named: needs an unrestricted key
      () => cam.send(new ListStreamsCommand({})),
      () => lab.send(new ListStreamsCommand({})),
      () => lab.send(new CreateStreamCommand({ StreamName: 'lab-2' })),
    ];
    for (const call of denied) {
      const err = await sdkError(call);
      assert.equal(err.name, 'NotAuthorizedException', err.message);
      assert.equal(err.status, 401);
    }
    for (const call of [
      () => cam.send(new TagResourceCommand({ ResourceARN: camArn, Tags: [{ Key: 'a', Value: 'b' }] })),
      () => lab.send(new ListTagsForResourceCommand({ ResourceARN: otherArn })),
    ]) {
      const err = await sdkError(call);
      assert.equal(err.name, 'AccessDeniedException', err.message);
      assert.equal(err.status, 401);
    }
    const gm = await sdkError(() => sdkGetMedia(srv.endpoint, LAB, 'cam-1'));
    assert.equal(gm.name, 'NotAuthorizedException');
    // What the keys may do still works.
    await lab.send(new TagStreamCommand({ StreamName: 'lab', Tags: { site: 'x' } }));
    assert.deepEqual((await lab.send(new ListTagsForResourceCommand({ ResourceARN: labArn }))).Tags, {
      site: 'x',
    });
    assert.ok((await admin.send(new ListStreamsCommand({}))).StreamInfoList!.length >= 4);
    for (const c of [cam, lab, admin]) c.destroy();
  });

  test('JSON credentials files work the same; bad files are refused with the reason', () => {
    const store = parseCredentials(
      JSON.stringify({
        credentials: [{ accessKeyId: 'A', secretAccessKey: 'B', streams: ['x-*'], actions: 'GetMedia' }],
      }),
    );
    assert.equal(store.size, 1);
    assert.equal(store.lookup('A')?.streams?.[0]?.test('x-1'), true);
    assert.equal(store.lookup('A')?.streams?.[0]?.test('y-1'), false);
    // The example in README.md is a valid file.
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const example = /## Authentication and TLS[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(example, 'README has the credentials example');
    const documented = parseCredentials(example);
    assert.equal(documented.size, 3);
    assert.equal(
      documented.lookup('AKIDCAMERA1')?.actions?.some((a) => a.test('DescribeStream')),
      true,
    );
    assert.throws(() => parseCredentials('credentials: []'), /non-empty "credentials" list/);
    assert.throws(() => parseCredentials('credentials: [{accessKeyId: A}]'), /secretAccessKey/);
    assert.throws(
      () => parseCredentials('credentials: [{accessKeyId: A, secretAccessKey: B, stream: x}]'),
      /unknown field/,
    );
    assert.throws(() => parseCredentials('{ not yaml: ['), /neither valid JSON nor YAML/);
  });
});

test('without --auth any credentials (or none) are accepted', async () => {
  const srv = await startServer();
  try {
    const res = await rawRequest(srv.endpoint, '/listStreams', { body: '{}' });
    assert.equal(res.status, 200);
    const sdk = controlClient(srv.endpoint, UNKNOWN);
    assert.deepEqual((await sdk.send(new ListStreamsCommand({}))).StreamInfoList, []);
    sdk.destroy();
  } finally {
    await srv.close();
  }
});
