/**
 * The segments alone rebuild everything (issue #11): with meta.lmdb deleted, emptied or damaged,
 * the server comes back with every stream (name, ARN, version, retention, tags, media type,
 * creation time), no deleted stream, and every acknowledged fragment bit-exact, checked through
 * the official SDK v3 clients and GetMedia. Also `rebuildIndex` (kvideo serve --rebuild-index).
 */
import assert from 'node:assert/strict';
import { closeSync, fstatSync, openSync, readdirSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  TagStreamCommand,
  UpdateDataRetentionCommand,
  type StreamInfo,
} from '@aws-sdk/client-kinesis-video';
import { putMediaRaw } from '../helpers/put-media.js';
import { spawnServer } from '../helpers/server-process.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { PRODUCER_HEADER, listAllFragments, numberedCluster, readWholeStream } from './harness.js';

interface Snapshot {
  streams: StreamInfo[];
  tags: Record<string, Record<string, string>>;
  fragments: Record<string, string[]>;
  bytes: Record<string, Record<string, string>>;
}

async function snapshot(srv: TestServer): Promise<Snapshot> {
  const kv = controlPlaneClient(srv.endpoint);
  try {
    const streams = (await kv.send(new ListStreamsCommand({}))).StreamInfoList ?? [];
    const out: Snapshot = { streams, tags: {}, fragments: {}, bytes: {} };
    for (const s of streams) {
      const name = s.StreamName!;
      const described = await kv.send(new DescribeStreamCommand({ StreamName: name }));
      assert.deepEqual(described.StreamInfo, s);
      out.tags[name] = (await kv.send(new ListTagsForStreamCommand({ StreamName: name }))).Tags ?? {};
      out.fragments[name] = await listAllFragments(srv.endpoint, name);
      // A GetMedia of a stream with no fragments only ends at the reader's 60 s timeout.
      const read = out.fragments[name].length > 0 ? await readWholeStream(srv.endpoint, name) : [];
      out.bytes[name] = Object.fromEntries(read.map((f) => [f.number, f.bytes.toString('base64')]));
    }
    return out;
  } finally {
    kv.destroy();
  }
}

async function populate(srv: TestServer): Promise<void> {
  const kv = controlPlaneClient(srv.endpoint);
  try {
    await kv.send(
      new CreateStreamCommand({
        StreamName: 'cam-a',
        DataRetentionInHours: 24,
        MediaType: 'video/h264',
        Tags: { site: 'north' },
      }),
    );
    await kv.send(
      new CreateStreamCommand({ StreamName: 'cam-b', DataRetentionInHours: 2, DeviceName: 'dev-b' }),
    );
    await kv.send(new CreateStreamCommand({ StreamName: 'empty', DataRetentionInHours: 1 }));
    await kv.send(new CreateStreamCommand({ StreamName: 'gone', DataRetentionInHours: 1 }));
    const b = (await kv.send(new DescribeStreamCommand({ StreamName: 'cam-b' }))).StreamInfo!;
    await kv.send(
      new UpdateDataRetentionCommand({
        StreamName: 'cam-b',
        CurrentVersion: b.Version!,
        Operation: 'INCREASE_DATA_RETENTION',
        DataRetentionChangeInHours: 5,
      }),
    );
    await kv.send(new TagStreamCommand({ StreamName: 'cam-b', Tags: { owner: 'ops', tier: 'gold' } }));
    for (const [name, s, count] of [
      ['cam-a', 1, 30],
      ['cam-b', 2, 20],
      ['gone', 3, 5],
    ] as const) {
      const res = await putMediaRaw({
        endpoint: srv.endpoint,
        headers: { 'x-amzn-stream-name': name },
        pieces: [PRODUCER_HEADER, ...Array.from({ length: count }, (_, i) => numberedCluster(s, i))],
      });
      assert.equal(res.acks.filter((a) => a.EventType === 'PERSISTED').length, count, name);
    }
    const gone = (await kv.send(new DescribeStreamCommand({ StreamName: 'gone' }))).StreamInfo!;
    await kv.send(new DeleteStreamCommand({ StreamARN: gone.StreamARN! }));
  } finally {
    kv.destroy();
  }
}

async function rebuildCase(damage: (dataDir: string) => void, options: { rebuildIndex?: boolean } = {}) {
  const dataDir = tempDir('kvideo-rebuild-');
  let srv = await startServer({ dataDir, segmentBytes: 64 * 1024 });
  try {
    await populate(srv);
    const before = await snapshot(srv);
    assert.equal(before.streams.length, 3);
    assert.equal(Object.values(before.fragments).flat().length, 50);
    await srv.close({ keepData: true });
    damage(dataDir);
    srv = await startServer({ dataDir, segmentBytes: 64 * 1024, ...options });
    const after = await snapshot(srv);
    assert.deepEqual(after, before);
    return srv.kvideo.storage as unknown as { report?: { rebuilt?: string } };
  } finally {
    await srv.close();
  }
}

test('a deleted meta.lmdb: every stream and fragment comes back from the segments', async () => {
  await rebuildCase((dir) => {
    rmSync(join(dir, 'meta.lmdb'));
    rmSync(join(dir, 'meta.lmdb-lock'), { force: true });
  });
});

test('an emptied meta.lmdb: every stream and fragment comes back from the segments', async () => {
  await rebuildCase((dir) => {
    truncateSync(join(dir, 'meta.lmdb'), 0);
  });
});

test('--rebuild-index rebuilds an intact index to the same state and keeps the old one aside', async () => {
  let dataDir = '';
  const storage = await rebuildCase(
    (dir) => {
      dataDir = dir;
    },
    { rebuildIndex: true },
  );
  assert.match(storage.report?.rebuilt ?? '', /requested/);
  assert.ok(
    (storage.report as { setAside?: string }).setAside?.startsWith(join(dataDir, 'meta.lmdb.set-aside-')),
  );
});

test('a damaged meta.lmdb is detected at start and rebuilt, never half-served', async () => {
  // Overwrite every page after the two meta pages with garbage: whatever LMDB makes of it, the
  // server must not crash and must not serve a partial index.
  const storage = await rebuildCase((dir) => {
    const fd = openSync(join(dir, 'meta.lmdb'), 'r+');
    try {
      const size = fstatSync(fd).size;
      const garbage = Buffer.alloc(4096, 0xa5);
      for (let at = 2 * 4096; at < size; at += 4096) writeSync(fd, garbage, 0, garbage.length, at);
    } finally {
      closeSync(fd);
    }
  });
  assert.match(storage.report?.rebuilt ?? '', /unreadable/);
});

test('stream directories hold their journal; a deleted stream leaves none behind', async () => {
  const dataDir = tempDir('kvideo-journal-');
  const srv = await startServer({ dataDir });
  try {
    await populate(srv);
    // DeleteStream drops the data in the background: wait (bounded) for the directory to go.
    let dirs = readdirSync(join(dataDir, 'streams'));
    for (let i = 0; i < 600 && dirs.length > 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      dirs = readdirSync(join(dataDir, 'streams'));
    }
    assert.equal(dirs.length, 3);
    for (const d of dirs) assert.ok(readdirSync(join(dataDir, 'streams', d)).includes('stream.json'), d);
  } finally {
    await srv.close();
  }
});

test('kvideo serve --rebuild-index sets the index aside and serves the same streams', async () => {
  const dataDir = tempDir('kvideo-rebuild-cli-');
  try {
    let proc = await spawnServer(dataDir);
    const kv = controlPlaneClient(proc.endpoint);
    await kv.send(
      new CreateStreamCommand({ StreamName: 'cli-cam', DataRetentionInHours: 3, Tags: { a: 'b' } }),
    );
    const res = await putMediaRaw({
      endpoint: proc.endpoint,
      headers: { 'x-amzn-stream-name': 'cli-cam' },
      pieces: [PRODUCER_HEADER, ...Array.from({ length: 4 }, (_, i) => numberedCluster(9, i))],
    });
    const persisted = res.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber);
    const before = (await kv.send(new DescribeStreamCommand({ StreamName: 'cli-cam' }))).StreamInfo;
    kv.destroy();
    await proc.kill('SIGTERM');
    proc = await spawnServer(dataDir, ['--rebuild-index']);
    try {
      const kv2 = controlPlaneClient(proc.endpoint);
      assert.deepEqual(
        (await kv2.send(new DescribeStreamCommand({ StreamName: 'cli-cam' }))).StreamInfo,
        before,
      );
      kv2.destroy();
      assert.deepEqual(await listAllFragments(proc.endpoint, 'cli-cam'), persisted);
      assert.ok(readdirSync(dataDir).some((n) => n.startsWith('meta.lmdb.set-aside-')));
    } finally {
      await proc.kill('SIGTERM');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
