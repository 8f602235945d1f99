/** boto3 (python3) as a client: control plane, GetMedia and ListFragments against kvideo. */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { clusters, mkvStream } from '../helpers/mkv-stream.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { startServer, TEST_CREDENTIALS, TEST_REGION, type TestServer } from '../helpers/server.js';

const boto3Missing: string | false = (() => {
  try {
    execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3 with boto3 is not installed';
  }
})();

const SCRIPT = `
import json, sys, boto3
endpoint = sys.argv[1]
kv = boto3.client('kinesisvideo', endpoint_url=endpoint)
arn = kv.create_stream(StreamName='boto', DataRetentionInHours=2)['StreamARN']
info = kv.describe_stream(StreamName='boto')['StreamInfo']
names = [s['StreamName'] for s in kv.get_paginator('list_streams').paginate().build_full_result()['StreamInfoList']]
ep = kv.get_data_endpoint(StreamName='boto', APIName='GET_MEDIA')['DataEndpoint']
try:
    kv.describe_stream(StreamName='missing')
    missing = None
except kv.exceptions.ResourceNotFoundException as e:
    missing = e.response['Error']['Code']
print(json.dumps({'arn': arn, 'status': info['Status'], 'created': info['CreationTime'].timestamp(),
                  'names': names, 'endpoint': ep, 'missing': missing}))
sys.stdout.flush()
line = sys.stdin.readline()  # wait until media was ingested
media = boto3.client('kinesis-video-media', endpoint_url=ep)
out = media.get_media(StreamName='boto', StartSelector={'StartSelectorType': 'EARLIEST'})
body = out['Payload'].read()
archived = boto3.client('kinesis-video-archived-media', endpoint_url=ep)
frags = archived.list_fragments(StreamName='boto')['Fragments']
print(json.dumps({'contentType': out['ContentType'], 'bytes': len(body), 'chunks': body.count(b'\\x1a\\x45\\xdf\\xa3'),
                  'fragments': sorted(f['FragmentNumber'] for f in frags)}))
`;

describe('boto3 against kvideo', { skip: boto3Missing }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer({ limits: { getMediaIdleEndMs: 300 } });
  });
  after(async () => {
    await srv.close();
  });

  test('control plane, GetMedia and ListFragments', async () => {
    const py = spawn('python3', ['-c', SCRIPT, srv.endpoint], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_DEFAULT_REGION: TEST_REGION,
      },
    });
    let stdout = '';
    let stderr = '';
    py.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const nextLine = () =>
      new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const nl = stdout.indexOf('\n');
          if (nl >= 0) {
            const line = stdout.slice(0, nl);
            stdout = stdout.slice(nl + 1);
            py.stdout.off('data', onData);
            resolve(line);
          }
        };
        const onData = (d: Buffer): void => {
          stdout += d.toString();
          check();
        };
        py.stdout.on('data', onData);
        py.once('exit', (code) => reject(new Error(`python exited ${code}: ${stderr}`)));
        check();
      });
    const first = JSON.parse(await nextLine());
    assert.match(first.arn, /:stream\/boto\/[0-9]+$/);
    assert.equal(first.status, 'ACTIVE');
    assert.equal(Math.round(first.created * 1000), Number(first.arn.split('/').at(-1)));
    assert.deepEqual(first.names, ['boto']);
    assert.equal(first.endpoint, srv.endpoint);
    assert.equal(first.missing, 'ResourceNotFoundException');

    const put = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'boto' },
      pieces: [mkvStream({ clusters: clusters(3, 0) })],
    });
    const persisted = put.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber);
    py.stdin.write('go\n');
    const second = JSON.parse(await nextLine());
    assert.equal(second.contentType, 'video/webm');
    assert.equal(second.chunks, 3);
    assert.deepEqual(second.fragments, persisted);
  });
});
