/**
 * GetMedia, ListFragments and GetMediaForFragmentList through the real AWS CLI
 * (`aws kinesis-video-media get-media ... out.mkv`), for every start selector; every outfile is
 * checked chunk by chunk and, where installed, by mkvinfo.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { awsCliMissing, runAws } from '../helpers/aws-cli.js';
import { parseChunks } from '../helpers/media.js';
import { clusters, ebmlHeader, mkvStream, segmentHead } from '../helpers/mkv-stream.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { mkvinfoMissing, run } from '../helpers/tools.js';

const START = 1_700_000_000;

describe('media APIs via the AWS CLI', { skip: awsCliMissing }, () => {
  let srv: TestServer;
  let numbers: string[] = [];
  const dir = tempDir();
  const headerLength = ebmlHeader().length + segmentHead(1).length;

  before(async () => {
    srv = await startServer({ limits: { getMediaIdleEndMs: 300 } });
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'cli-media', DataRetentionInHours: 24 }));
    kv.destroy();
    const res = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'cli-media' },
      pieces: [mkvStream({ clusters: clusters(5, START * 1000) })],
    });
    numbers = res.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber!);
    assert.equal(numbers.length, 5);
  });
  after(async () => {
    await srv.close();
  });

  const getMedia = async (selector: string, name: string): Promise<string[]> => {
    const out = join(dir, `${name}.mkv`);
    const res = await runAws(
      ['kinesis-video-media', 'get-media', '--stream-name', 'cli-media', '--start-selector', selector, out],
      srv.endpoint,
    );
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { ContentType: 'video/webm' });
    if (!mkvinfoMissing) {
      const info = await run('mkvinfo', [out]);
      assert.equal(info.code, 0, info.stdout);
    }
    return parseChunks(readFileSync(out), headerLength).map((c) => c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER!);
  };

  test('every start selector', async () => {
    assert.deepEqual(await getMedia('StartSelectorType=EARLIEST', 'earliest'), numbers);
    assert.deepEqual(await getMedia('StartSelectorType=NOW', 'now'), numbers.slice(-1));
    assert.deepEqual(
      await getMedia(`StartSelectorType=FRAGMENT_NUMBER,AfterFragmentNumber=${numbers[1]}`, 'fn'),
      numbers.slice(2),
    );
    assert.deepEqual(
      await getMedia(
        `{"StartSelectorType":"CONTINUATION_TOKEN","ContinuationToken":"${numbers[3]}"}`,
        'token',
      ),
      numbers.slice(4),
    );
    // botocore truncates StartTimestamp to whole seconds (spec §1.3): START+2 is fragment 2's start.
    assert.deepEqual(
      await getMedia(`StartSelectorType=PRODUCER_TIMESTAMP,StartTimestamp=${START + 2}`, 'producer'),
      numbers.slice(2),
    );
    assert.deepEqual(
      await getMedia(`StartSelectorType=SERVER_TIMESTAMP,StartTimestamp=${START}`, 'server'),
      numbers,
    );
  });

  test('errors as the CLI prints them', async () => {
    const res = await runAws(
      [
        'kinesis-video-media',
        'get-media',
        '--stream-name',
        'absent',
        '--start-selector',
        'StartSelectorType=NOW',
        join(dir, 'x.mkv'),
      ],
      srv.endpoint,
    );
    assert.notEqual(res.code, 0);
    assert.match(
      res.stderr,
      /An error occurred \(ResourceNotFoundException\) when calling the GetMedia operation/,
    );
  });

  test('list-fragments and get-media-for-fragment-list', async () => {
    const listed = await runAws(
      [
        'kinesis-video-archived-media',
        'list-fragments',
        '--stream-name',
        'cli-media',
        '--fragment-selector',
        `FragmentSelectorType=PRODUCER_TIMESTAMP,TimestampRange={StartTimestamp=${START + 1},EndTimestamp=${START + 3}}`,
      ],
      srv.endpoint,
    );
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      JSON.parse(listed.stdout).Fragments.map((f: { FragmentNumber: string }) => f.FragmentNumber),
      numbers.slice(1, 4),
    );
    const out = join(dir, 'list.mkv');
    const media = await runAws(
      // The outfile goes first: --fragments takes every following word.
      [
        'kinesis-video-archived-media',
        'get-media-for-fragment-list',
        out,
        '--stream-name',
        'cli-media',
        '--fragments',
        numbers[4]!,
        numbers[0]!,
      ],
      srv.endpoint,
    );
    assert.equal(media.code, 0, media.stderr);
    assert.deepEqual(JSON.parse(media.stdout), { ContentType: 'video/webm' });
    const bytes = readFileSync(out);
    assert.ok(bytes.indexOf(Buffer.from(numbers[4]!)) < bytes.indexOf(Buffer.from(numbers[0]!)));
  });
});
