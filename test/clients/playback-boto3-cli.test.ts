/**
 * The playback session APIs from boto3, the AWS CLI and `kvideo`'s own CLI: URLs that play,
 * modeled exceptions that boto3 maps to its exception classes, and `kvideo
 * get-hls-streaming-session-url` / `get-dash-streaming-session-url` printing what the AWS CLI prints.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { aws, cliEnv, kvideo } from '../cli/helpers/run-cli.js';
import { awsCliMissing } from '../helpers/aws-cli.js';
import { ingestFile, makeFixture } from '../helpers/playback.js';
import {
  controlPlaneClient,
  startServer,
  tempDir,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestServer,
} from '../helpers/server.js';
import { ffmpegMissing } from '../helpers/tools.js';

const boto3Missing: string | false = (() => {
  try {
    execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3 with boto3 is not installed';
  }
})();

const SCRIPT = `
import json, sys, datetime, urllib.request, boto3
endpoint, start = sys.argv[1], float(sys.argv[2])
kv = boto3.client('kinesisvideo', endpoint_url=endpoint)
ep = kv.get_data_endpoint(StreamName='cam', APIName='GET_HLS_STREAMING_SESSION_URL')['DataEndpoint']
am = boto3.client('kinesis-video-archived-media', endpoint_url=ep)
rng = {'StartTimestamp': datetime.datetime.fromtimestamp(start, datetime.timezone.utc),
       'EndTimestamp': datetime.datetime.fromtimestamp(start + 60, datetime.timezone.utc)}
hls = am.get_hls_streaming_session_url(StreamName='cam', PlaybackMode='ON_DEMAND', ContainerFormat='MPEG_TS',
    HLSFragmentSelector={'FragmentSelectorType': 'PRODUCER_TIMESTAMP', 'TimestampRange': rng},
    DiscontinuityMode='ON_DISCONTINUITY', DisplayFragmentTimestamp='ALWAYS', Expires=3600,
    MaxMediaPlaylistFragmentResults=2)['HLSStreamingSessionURL']
dash = am.get_dash_streaming_session_url(StreamName='cam', PlaybackMode='ON_DEMAND',
    DASHFragmentSelector={'FragmentSelectorType': 'PRODUCER_TIMESTAMP', 'TimestampRange': rng},
    DisplayFragmentNumber='ALWAYS', MaxManifestFragmentResults=3)['DASHStreamingSessionURL']
master = urllib.request.urlopen(hls).read().decode()
mpd = urllib.request.urlopen(dash).read().decode()
errors = {}
try:
    am.get_hls_streaming_session_url(StreamName='cam', HLSFragmentSelector={'FragmentSelectorType': 'SERVER_TIMESTAMP', 'TimestampRange': rng})
except am.exceptions.InvalidArgumentException as e:
    errors['live_with_range'] = e.response['Error']['Code']
try:
    am.get_dash_streaming_session_url(StreamName='zero', PlaybackMode='ON_DEMAND',
        DASHFragmentSelector={'FragmentSelectorType': 'PRODUCER_TIMESTAMP', 'TimestampRange': rng})
except am.exceptions.NoDataRetentionException as e:
    errors['no_retention'] = e.response['Error']['Code']
try:
    am.get_hls_streaming_session_url(StreamName='missing')
except am.exceptions.ResourceNotFoundException as e:
    errors['missing'] = e.response['Error']['Code']
print(json.dumps({'hls': hls, 'dash': dash, 'master': master, 'mpd': mpd, 'errors': errors}))
`;

describe('playback session APIs from boto3 and the CLIs', { skip: ffmpegMissing }, () => {
  let srv: TestServer;
  let dir: string;
  const start = Date.now() - 3600_000;

  before(async () => {
    dir = tempDir('kvideo-pb-clients-');
    srv = await startServer();
    const file = await makeFixture(dir, 'v.mkv', { seconds: 3 });
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'cam', DataRetentionInHours: 2 }));
    await kv.send(new CreateStreamCommand({ StreamName: 'zero', DataRetentionInHours: 0 }));
    kv.destroy();
    await ingestFile(srv.endpoint, 'cam', file, start);
  });
  after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test(
    'boto3: session URLs that serve playlists, and modeled exceptions',
    { skip: boto3Missing },
    async () => {
      const py = spawn('python3', ['-c', SCRIPT, srv.endpoint, String(start / 1000)], {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
          AWS_DEFAULT_REGION: TEST_REGION,
        },
      });
      let out = '';
      let err = '';
      py.stdout.on('data', (d: Buffer) => (out += d.toString()));
      py.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((r) => py.on('close', r));
      assert.equal(code, 0, err);
      const r = JSON.parse(out) as {
        hls: string;
        dash: string;
        master: string;
        mpd: string;
        errors: Record<string, string>;
      };
      assert.ok(r.hls.startsWith(`${srv.endpoint}/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=`));
      assert.ok(r.dash.startsWith(`${srv.endpoint}/dash/v1/getDASHManifest.mpd?SessionToken=`));
      assert.match(r.master, /^#EXTM3U\n/);
      assert.match(r.master, /CODECS="avc1\./);
      assert.equal((r.mpd.match(/<S /g) ?? []).length, 3, 'MaxManifestFragmentResults caps the manifest');
      assert.match(r.mpd, /kvs:fn="\d{47}"/);
      assert.deepEqual(r.errors, {
        live_with_range: 'InvalidArgumentException',
        no_retention: 'NoDataRetentionException',
        missing: 'ResourceNotFoundException',
      });
    },
  );

  test(
    'kvideo get-hls-streaming-session-url prints what the AWS CLI prints',
    { skip: awsCliMissing },
    async () => {
      const selector = `FragmentSelectorType=PRODUCER_TIMESTAMP,TimestampRange={StartTimestamp=${Math.floor(start / 1000)},EndTimestamp=${Math.floor(start / 1000) + 60}}`;
      const args = [
        '--stream-name',
        'cam',
        '--playback-mode',
        'ON_DEMAND',
        '--hls-fragment-selector',
        selector,
        '--endpoint-url',
        srv.endpoint,
      ];
      const ours = await kvideo(['get-hls-streaming-session-url', ...args]);
      const theirs = await aws(['kinesis-video-archived-media', 'get-hls-streaming-session-url', ...args]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      // Tokens differ per call (each session has its own id); the document shape does not.
      const mask = (s: string): string => s.replace(/SessionToken=[A-Za-z0-9_~-]+/, 'SessionToken=T');
      assert.equal(mask(ours.stdout), mask(theirs.stdout));
      const url = (JSON.parse(ours.stdout) as { HLSStreamingSessionURL: string }).HLSStreamingSessionURL;
      assert.equal((await fetch(url)).status, 200);
      // --query/--output text as with the AWS CLI.
      const text = await kvideo([
        'get-hls-streaming-session-url',
        ...args,
        '--query',
        'HLSStreamingSessionURL',
        '--output',
        'text',
      ]);
      assert.match(
        text.stdout,
        /^http:\/\/127\.0\.0\.1:\d+\/hls\/v1\/getHLSMasterPlaylist\.m3u8\?SessionToken=\S+\n$/,
      );
    },
  );

  test(
    'kvideo get-dash-streaming-session-url: same output and the same error text and exit code',
    { skip: awsCliMissing },
    async () => {
      const ok = [
        '--stream-name',
        'cam',
        '--display-fragment-number',
        'ALWAYS',
        '--endpoint-url',
        srv.endpoint,
      ];
      const ours = await kvideo(['get-dash-streaming-session-url', ...ok]);
      const theirs = await aws(['kinesis-video-archived-media', 'get-dash-streaming-session-url', ...ok]);
      // LIVE (the default mode): the fragments were ingested moments ago.
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      const mask = (s: string): string => s.replace(/SessionToken=[A-Za-z0-9_~-]+/, 'SessionToken=T');
      assert.equal(mask(ours.stdout), mask(theirs.stdout));
      assert.match(
        ours.stdout,
        /"DASHStreamingSessionURL": "http:\/\/127\.0\.0\.1:\d+\/dash\/v1\/getDASHManifest\.mpd\?/,
      );
      const bad = ['--stream-name', 'zero', '--playback-mode', 'ON_DEMAND', '--endpoint-url', srv.endpoint];
      const ours2 = await kvideo(['get-dash-streaming-session-url', ...bad], { env: cliEnv() });
      const theirs2 = await aws(['kinesis-video-archived-media', 'get-dash-streaming-session-url', ...bad]);
      assert.equal(ours2.code, 255);
      assert.equal(ours2.code, theirs2.code);
      assert.equal(ours2.stderr.trim(), theirs2.stderr.trim());
      assert.match(ours2.stderr, /InvalidArgumentException|NoDataRetentionException/);
    },
  );
});
