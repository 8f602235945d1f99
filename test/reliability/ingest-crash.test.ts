/**
 * Nothing acknowledged is lost: a server process is killed with SIGKILL at a random moment while a
 * producer uploads; after a restart every fragment that got PERSISTED is readable bit-exact through
 * GetMedia, and new fragment numbers stay above the old ones.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { concatBytes } from '../../src/mkv/writer.js';
import { getMediaBytes, parseChunks } from '../helpers/media.js';
import { cluster, ebmlHeader, segmentHead } from '../helpers/mkv-stream.js';
import { putMediaRaw, type Ack } from '../helpers/put-media.js';
import { spawnServer } from '../helpers/server-process.js';
import { controlPlaneClient, tempDir } from '../helpers/server.js';

const CYCLES = Number(process.env.KVIDEO_CRASH_CYCLES ?? 3);

/** Cluster i carries frames whose bytes derive from i, so content can be checked after recovery. */
function numberedCluster(i: number): Uint8Array {
  return cluster({
    timecode: i * 1000,
    blocks: Array.from({ length: 10 }, (_, f) => ({
      rel: f * 100,
      key: f === 0,
      size: 2000 + (i % 7) * 100,
    })),
  });
}

test(`kill -9 during ingest loses no PERSISTED fragment (${CYCLES} cycles)`, async () => {
  const dataDir = tempDir();
  const header = concatBytes([ebmlHeader(), segmentHead(1)]);
  const headerLength = header.length;
  const sent = new Map<string, Uint8Array>();
  const acknowledged: string[] = [];
  let next = 0;
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await spawnServer(dataDir);
      if (cycle === 0) {
        const kv = controlPlaneClient(server.endpoint);
        await kv.send(new CreateStreamCommand({ StreamName: 'crash', DataRetentionInHours: 24 }));
        kv.destroy();
      }
      const killAfterMs = 150 + Math.floor(Math.random() * 400);
      const clusters = Array.from({ length: 40 }, () => numberedCluster(next++));
      const byTimecode = new Map(clusters.map((c, i) => [(next - 40 + i) * 1000, c]));
      const timer = setTimeout(() => void server.kill('SIGKILL'), killAfterMs);
      await putMediaRaw({
        endpoint: server.endpoint,
        headers: { 'x-amzn-stream-name': 'crash' },
        pieces: [header, ...clusters],
        delayMs: 15,
        onAck: (ack: Ack) => {
          if (ack.EventType === 'BUFFERING')
            sent.set(ack.FragmentNumber!, byTimecode.get(ack.FragmentTimecode!)!);
          if (ack.EventType === 'PERSISTED') acknowledged.push(ack.FragmentNumber!);
        },
      });
      clearTimeout(timer);
      await server.kill('SIGKILL');
    }

    const server = await spawnServer(dataDir);
    try {
      const { bytes } = await getMediaBytes(
        server.endpoint,
        'crash',
        { StartSelectorType: 'EARLIEST' },
        1000,
      );
      const chunks = parseChunks(bytes, headerLength);
      const stored = new Map(chunks.map((c) => [c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER!, c.fragment]));
      const numbers = chunks.map((c) => c.tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER!);
      assert.deepEqual([...numbers].sort(), numbers, 'fragment numbers strictly increase across restarts');
      assert.equal(new Set(numbers).size, numbers.length);
      let lost = 0;
      for (const n of acknowledged) {
        const got = stored.get(n);
        if (!got || !Buffer.from(sent.get(n)!).equals(got)) lost++;
      }
      process.stdout.write(
        `# crash loop: ${CYCLES} cycles, ${acknowledged.length} fragments acknowledged, ${lost} lost\n`,
      );
      assert.equal(lost, 0);
      assert.ok(acknowledged.length > 0, 'some fragments were acknowledged before the kills');
    } finally {
      await server.kill('SIGKILL');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
