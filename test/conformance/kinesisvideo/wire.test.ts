/**
 * Wire-level checks the SDKs hide: exact status codes, error headers and bodies, unknown paths,
 * malformed JSON, wrong member types and `Expect: 100-continue` (spec §0, §1.4, §1.5).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../../helpers/server.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(
  endpoint: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('wire format of JSON operations', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });

  test('success carries x-amzn-RequestId and application/json', async () => {
    const res = await post(srv.endpoint, '/createStream', JSON.stringify({ StreamName: 'wire' }));
    assert.equal(res.status, 200);
    assert.match(String(res.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.match(JSON.parse(res.body).StreamARN, /stream\/wire\//);
  });

  test('service errors: status, both ErrorType header spellings, {"Message"} body', async () => {
    const res = await post(srv.endpoint, '/describeStream', JSON.stringify({ StreamName: 'missing' }));
    assert.equal(res.status, 404);
    assert.equal(res.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.equal(res.headers['x-amz-errortype'], 'ResourceNotFoundException');
    assert.equal(res.headers['x-amzn-requestid'], res.headers['x-amz-requestid']);
    assert.deepEqual(JSON.parse(res.body), { Message: 'The requested stream is not found or not active.' });
  });

  test('unknown paths and methods: 404 UnknownOperationException, never a crash', async () => {
    const res = await post(srv.endpoint, '/noSuchThing', '{}');
    assert.equal(res.status, 404);
    assert.equal(res.headers['x-amzn-errortype'], 'UnknownOperationException');
    const get = await new Promise<number>((resolve) => {
      request(`${srv.endpoint}/createStream`, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      }).end();
    });
    assert.equal(get, 404);
  });

  test('operations of the models that kvideo does not implement say so (501)', async () => {
    const res = await post(srv.endpoint, '/createSignalingChannel', JSON.stringify({ ChannelName: 'c' }));
    assert.equal(res.status, 501);
    assert.equal(res.headers['x-amzn-errortype'], 'NotImplementedException');
  });

  test('malformed JSON and wrong member types: 400 SerializationException', async () => {
    for (const body of [
      '{"StreamName":',
      '[1,2',
      'null',
      '"text"',
      '{"StreamName": 5}',
      '{"StreamName":"a","DataRetentionInHours":"1"}',
      '{"StreamName":"a","Tags":[1]}',
    ]) {
      const res = await post(srv.endpoint, '/createStream', body);
      assert.equal(res.status, 400, body);
      assert.equal(res.headers['x-amzn-errortype'], 'SerializationException', body);
      assert.ok(JSON.parse(res.body).Message, body);
    }
  });

  test('several constraint failures are reported together', async () => {
    const res = await post(
      srv.endpoint,
      '/createStream',
      JSON.stringify({ StreamName: 'bad name', DataRetentionInHours: -5 }),
    );
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-amzn-errortype'], 'InvalidArgumentException');
    assert.match(JSON.parse(res.body).Message, /^2 validation errors detected: /);
  });

  test('oversized bodies are refused without reading them whole', async () => {
    const res = await post(
      srv.endpoint,
      '/createStream',
      JSON.stringify({ StreamName: 'x', pad: 'y'.repeat(2 * 1024 * 1024) }),
    );
    assert.equal(res.status, 413);
  });

  test('Expect: 100-continue is answered (aws-sdk-cpp sends it)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${srv.endpoint}/listStreams`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', expect: '100-continue' },
      });
      req.on('continue', () => req.end('{}'));
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    assert.equal(status, 200);
  });
});
