/**
 * Torn writes: after kill -9, the tail of a segment file (`<dataDir>/streams/<streamId>/*.seg`) is
 * cut in the middle of its last record, or carries half-written garbage. On restart recovery must
 * cut the damage off: every intact fragment stays readable bit-exact and listed, the torn one is
 * gone (it is not served half-read), other streams are untouched, and ingest resumes with fragment
 * numbers above all earlier ones.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { putMediaRaw } from '../helpers/put-media.js';
import { spawnServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/server.js';
import {
  PRODUCER_HEADER,
  listAllFragments,
  numberedCluster,
  postJson,
  readWholeStream,
  sleep,
} from './harness.js';

interface Uploaded {
  numbers: string[];
  bytes: Map<string, Uint8Array>;
}

async function upload(
  endpoint: string,
  stream: string,
  s: number,
  from: number,
  count: number,
): Promise<Uploaded> {
  const clusters = Array.from({ length: count }, (_, k) => numberedCluster(s, from + k, 800));
  const byTimecode = new Map(clusters.map((c, k) => [(from + k) * 1000, c]));
  const res = await putMediaRaw({
    endpoint,
    headers: { 'x-amzn-stream-name': stream },
    pieces: [PRODUCER_HEADER, ...clusters],
  });
  const persisted = res.acks.filter((a) => a.EventType === 'PERSISTED');
  assert.equal(persisted.length, count, JSON.stringify(res.acks.filter((a) => a.EventType === 'ERROR')));
  const numbers = persisted.map((a) => a.FragmentNumber!);
  return {
    numbers,
    bytes: new Map(persisted.map((a) => [a.FragmentNumber!, byTimecode.get(a.FragmentTimecode!)!])),
  };
}

/** The stream directories, oldest stream first (ids start with the creation time in ms). */
function streamDirs(dataDir: string): string[] {
  const root = join(dataDir, 'streams');
  return readdirSync(root)
    .filter((d) => /^\d+-[0-9a-f]+$/.test(d))
    .sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]))
    .map((d) => join(root, d));
}

function lastSegment(dir: string): string {
  const segments = readdirSync(dir)
    .filter((f) => f.endsWith('.seg'))
    .sort();
  return join(dir, segments.at(-1)!);
}

async function scenario(damage: (segment: string) => { tornLast: boolean }): Promise<void> {
  const dataDir = tempDir('kvideo-torn-');
  let server = await spawnServer(dataDir, ['--unthrottled']);
  try {
    for (const name of ['torn', 'intact']) {
      assert.equal(
        (await postJson(server.endpoint, '/createStream', { StreamName: name, DataRetentionInHours: 24 }))
          .status,
        200,
      );
      await sleep(5); // distinct creation times order the stream directories
    }
    const torn = await upload(server.endpoint, 'torn', 0, 0, 10);
    const intact = await upload(server.endpoint, 'intact', 1, 0, 10);
    await server.kill('SIGKILL');

    const segment = lastSegment(streamDirs(dataDir)[0]!);
    const sizeBefore = statSync(segment).size;
    const { tornLast } = damage(segment);

    server = await spawnServer(dataDir, ['--unthrottled']);
    const expected = tornLast ? torn.numbers.slice(0, -1) : torn.numbers;
    const read = await readWholeStream(server.endpoint, 'torn');
    assert.deepEqual(
      read.map((f) => f.number),
      expected,
      'the intact fragments, in order, and not the torn one',
    );
    for (const f of read) assert.ok(Buffer.from(torn.bytes.get(f.number)!).equals(f.bytes), 'bit-exact');
    assert.deepEqual(await listAllFragments(server.endpoint, 'torn'), expected);
    if (!tornLast) assert.equal(statSync(segment).size, sizeBefore, 'the garbage tail was cut off');

    const other = await readWholeStream(server.endpoint, 'intact');
    assert.deepEqual(
      other.map((f) => f.number),
      intact.numbers,
    );
    for (const f of other) assert.ok(Buffer.from(intact.bytes.get(f.number)!).equals(f.bytes));

    // Ingest resumes; numbers stay above everything handed out before, the torn one included.
    const more = await upload(server.endpoint, 'torn', 0, 10, 3);
    assert.ok(more.numbers[0]! > torn.numbers.at(-1)!, 'fragment numbers keep increasing');
    const after = await readWholeStream(server.endpoint, 'torn');
    assert.deepEqual(
      after.map((f) => f.number),
      [...expected, ...more.numbers],
    );
  } finally {
    await server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('a segment cut in the middle of its last record: the torn fragment is dropped, the rest intact', async () => {
  await scenario((segment) => {
    // Each record holds a fragment of about 8 KB, so 100 bytes off the end is mid-record.
    truncateSync(segment, statSync(segment).size - 100);
    return { tornLast: true };
  });
});

test('a segment cut early inside its last record: the partial record is dropped', async () => {
  await scenario((segment) => {
    // ~8.5 KB records: cutting 8000 bytes leaves only the start of the last record.
    truncateSync(segment, statSync(segment).size - 8000);
    return { tornLast: true };
  });
});

test('half-written garbage after the last record is cut off; nothing acknowledged is lost', async () => {
  await scenario((segment) => {
    appendFileSync(
      segment,
      Buffer.from([0x4b, 0x56, 0x52, 0x01, 0x00, 0x00, 0x10, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x01]),
    );
    return { tornLast: false };
  });
});
