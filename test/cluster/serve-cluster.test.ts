/**
 * `kvideo serve --cluster … --object-store …` as a real process on a one-node cluster: PostgreSQL
 * and an S3-compatible store started by the test (radosgw, else s3rver — the output says which).
 * The control plane through the official SDK, PutMedia of a real H.264/AAC file, GetMedia /
 * ListFragments / GetMediaForFragmentList reading it back byte for byte, the same after the node
 * is killed with SIGKILL and a new one started (nothing lived on the node), and DeleteStream
 * removing the stream's objects. Skips with the reason when the servers cannot start.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetDataEndpointCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  TagStreamCommand,
  UpdateDataRetentionCommand,
} from '@aws-sdk/client-kinesis-video';
import {
  GetMediaForFragmentListCommand,
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { MkvIngestParser } from '../../src/mkv/ingest-parser.js';
import { startClusterServers, type ClusterServers } from '../helpers/cluster.js';
import { getMediaBytes, parseChunks } from '../helpers/media.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { spawnServer, type ServerProcess } from '../helpers/server-process.js';
import {
  captureError,
  controlPlaneClient,
  TEST_CREDENTIALS,
  TEST_REGION,
  tempDir,
} from '../helpers/server.js';
import { ffprobeMissing, fixture, run } from '../helpers/tools.js';

const started = await startClusterServers();
/** GetMedia follows the live edge forever by default; the read ends after this long without bytes. */
const IDLE_MS = 5000;

/** The fixture's header length and each cluster's exact bytes, from the ingest parser. */
function clustersOf(bytes: Uint8Array): { headerLength: number; fragments: Buffer[] } {
  const parser = new MkvIngestParser();
  let headerLength = 0;
  const fragments: Buffer[] = [];
  let current: Uint8Array[] = [];
  for (const e of [...parser.push(bytes), ...parser.end()]) {
    if (e.type === 'header') headerLength = e.ebmlHeader.length + 12 + e.segmentHeader.length;
    if (e.type === 'clusterStart') current = [];
    if (e.type === 'bytes') current.push(e.data);
    if (e.type === 'clusterEnd') fragments.push(Buffer.concat(current));
  }
  return { headerLength, fragments };
}

if ('reason' in started) {
  test('kvideo serve --cluster', (t) => t.skip(started.reason));
} else {
  const servers: ClusterServers = started.servers;
  describe(`kvideo serve --cluster (PostgreSQL + ${servers.objects.kind})`, () => {
    const dataDir = tempDir('kvideo-cluster-unused-');
    const args = ['--cluster', servers.postgres.url, '--object-store', servers.objects.url, '--unthrottled'];
    const file = readFileSync(fixture('h264-aac.mkv'));
    const fx = clustersOf(file);
    let node: ServerProcess;
    let numbers: string[] = [];

    before(async () => {
      node = await spawnServer(dataDir, args);
    });
    after(async () => {
      await node.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
      await servers.stop();
    });

    test('control plane through the SDK', async () => {
      const kv = controlPlaneClient(node.endpoint);
      try {
        const { StreamARN } = await kv.send(
          new CreateStreamCommand({ StreamName: 'cam-1', DataRetentionInHours: 24, Tags: { site: 'a' } }),
        );
        assert.match(StreamARN!, /^arn:aws:kinesisvideo:.*:stream\/cam-1\/\d+$/);
        const dup = await captureError(() => kv.send(new CreateStreamCommand({ StreamName: 'cam-1' })));
        assert.equal(dup.name, 'ResourceInUseException');
        const info = (await kv.send(new DescribeStreamCommand({ StreamName: 'cam-1' }))).StreamInfo!;
        assert.equal(info.Status, 'ACTIVE');
        assert.equal(info.DataRetentionInHours, 24);
        await kv.send(new TagStreamCommand({ StreamName: 'cam-1', Tags: { zone: 'north' } }));
        const tags = await kv.send(new ListTagsForStreamCommand({ StreamName: 'cam-1' }));
        assert.deepEqual(tags.Tags, { site: 'a', zone: 'north' });
        await kv.send(
          new UpdateDataRetentionCommand({
            StreamName: 'cam-1',
            CurrentVersion: info.Version!,
            Operation: 'INCREASE_DATA_RETENTION',
            DataRetentionChangeInHours: 24,
          }),
        );
        const updated = (await kv.send(new DescribeStreamCommand({ StreamName: 'cam-1' }))).StreamInfo!;
        assert.equal(updated.DataRetentionInHours, 48);
        assert.notEqual(updated.Version, info.Version);
        const listed = await kv.send(new ListStreamsCommand({}));
        assert.deepEqual(
          listed.StreamInfoList!.map((s) => s.StreamName),
          ['cam-1'],
        );
        const ep = await kv.send(new GetDataEndpointCommand({ StreamName: 'cam-1', APIName: 'PUT_MEDIA' }));
        assert.equal(ep.DataEndpoint, node.endpoint);
        // Nothing went to the embedded store: the node keeps no data of its own.
        assert.deepEqual(readdirSync(dataDir), []);
      } finally {
        kv.destroy();
      }
    });

    test('PutMedia: every fragment PERSISTED; GetMedia returns the clusters as sent', async () => {
      const put = await putMediaRaw({
        endpoint: node.endpoint,
        headers: {
          'x-amzn-stream-name': 'cam-1',
          'x-amzn-fragment-timecode-type': 'RELATIVE',
          'x-amzn-producer-start-timestamp': '1700000000.000',
        },
        pieces: [file],
      });
      assert.equal(put.status, 200);
      numbers = put.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber!);
      assert.equal(numbers.length, fx.fragments.length, JSON.stringify(put.acks.filter((a) => a.ErrorId)));
      assert.deepEqual([...numbers].sort(), numbers, 'fragment numbers increase');
      const { bytes } = await getMediaBytes(
        node.endpoint,
        'cam-1',
        { StartSelectorType: 'EARLIEST' },
        IDLE_MS,
      );
      const chunks = parseChunks(bytes, fx.headerLength);
      assert.equal(chunks.length, fx.fragments.length);
      chunks.forEach((c, i) => {
        assert.ok(c.fragment.equals(fx.fragments[i]!), `fragment ${i} bytes`);
        assert.equal(c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER, numbers[i]);
      });
    });

    test('ListFragments and GetMediaForFragmentList read the index and objects', async (t) => {
      const archived = new KinesisVideoArchivedMediaClient({
        endpoint: node.endpoint,
        region: TEST_REGION,
        credentials: TEST_CREDENTIALS,
        maxAttempts: 1,
      });
      try {
        const listed = await archived.send(new ListFragmentsCommand({ StreamName: 'cam-1' }));
        const listedNumbers = listed.Fragments!.map((f) => f.FragmentNumber!).sort();
        assert.deepEqual(listedNumbers, numbers);
        const byTime = await archived.send(
          new ListFragmentsCommand({
            StreamName: 'cam-1',
            FragmentSelector: {
              FragmentSelectorType: 'PRODUCER_TIMESTAMP',
              TimestampRange: {
                StartTimestamp: new Date(1_700_000_000_000),
                EndTimestamp: new Date(1_700_000_001_000),
              },
            },
          }),
        );
        assert.ok(byTime.Fragments!.length >= 1 && byTime.Fragments!.length < numbers.length);
        const out = await archived.send(
          new GetMediaForFragmentListCommand({ StreamName: 'cam-1', Fragments: numbers.slice(0, 2) }),
        );
        const body = Buffer.from(await out.Payload!.transformToByteArray());
        // Each listed fragment's cluster bytes, as sent, in request order.
        const first = body.indexOf(fx.fragments[0]!);
        const second = body.indexOf(fx.fragments[1]!);
        assert.ok(first !== -1 && second > first, 'both clusters are in the response, in order');
        if (ffprobeMissing) return t.skip(ffprobeMissing);
        const path = join(dataDir, '..', `kvideo-cluster-${process.pid}.mkv`);
        writeFileSync(path, body);
        const probe = await run('ffprobe', [
          '-v',
          'error',
          '-show_entries',
          'stream=codec_name',
          '-of',
          'csv=p=0',
          path,
        ]);
        rmSync(path, { force: true });
        assert.equal(probe.code, 0, probe.stderr);
        assert.deepEqual(probe.stdout.trim().split('\n').sort(), ['aac', 'h264']);
      } finally {
        archived.destroy();
      }
    });

    test('a node killed with SIGKILL loses nothing: a new node serves every fragment', async () => {
      await node.kill('SIGKILL');
      node = await spawnServer(dataDir, args);
      const { bytes } = await getMediaBytes(
        node.endpoint,
        'cam-1',
        { StartSelectorType: 'EARLIEST' },
        IDLE_MS,
      );
      const chunks = parseChunks(bytes, fx.headerLength);
      assert.deepEqual(
        chunks.map((c) => c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER),
        numbers,
      );
      chunks.forEach((c, i) => assert.ok(c.fragment.equals(fx.fragments[i]!), `fragment ${i} bytes`));
      // The counter lives in PostgreSQL: a new session continues above the old numbers.
      const put = await putMediaRaw({
        endpoint: node.endpoint,
        headers: {
          'x-amzn-stream-name': 'cam-1',
          'x-amzn-fragment-timecode-type': 'RELATIVE',
          'x-amzn-producer-start-timestamp': '1700000100.000',
        },
        pieces: [file],
      });
      const more = put.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber!);
      assert.equal(more.length, fx.fragments.length);
      assert.ok(more[0]! > numbers.at(-1)!, 'numbers keep increasing across nodes');
    });

    test('DeleteStream removes the index rows and the objects', async () => {
      const kv = controlPlaneClient(node.endpoint);
      const url = new URL(servers.objects.url);
      const s3 = new S3Client({
        endpoint: url.searchParams.get('endpoint')!,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: {
          accessKeyId: servers.objects.accessKeyId,
          secretAccessKey: servers.objects.secretAccessKey,
        },
      });
      const objects = async (): Promise<number> =>
        (await s3.send(new ListObjectsV2Command({ Bucket: url.hostname, Prefix: 'fragments/' }))).KeyCount ??
        0;
      try {
        assert.ok((await objects()) > fx.fragments.length, 'fragments are objects in the bucket');
        const arn = (await kv.send(new DescribeStreamCommand({ StreamName: 'cam-1' }))).StreamInfo!.StreamARN;
        await kv.send(new DeleteStreamCommand({ StreamARN: arn }));
        // Deletion of the data runs after the API answers; wait for it (bounded by the test timeout).
        while ((await objects()) > 0) await new Promise((r) => setTimeout(r, 200));
        const gone = await captureError(() => kv.send(new DescribeStreamCommand({ StreamName: 'cam-1' })));
        assert.equal(gone.name, 'ResourceNotFoundException');
      } finally {
        kv.destroy();
        s3.destroy();
      }
    });
  });
}
