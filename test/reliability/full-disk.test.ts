/**
 * A full disk (ENOSPC), on a small tmpfs mounted for the test (skipped with a message when mount
 * is not permitted): the producer gets an ERROR ACK (5001 ARCHIVAL_ERROR), the server keeps
 * running and serving, nothing already stored is damaged, and ingest resumes once space returns;
 * after a restart everything acknowledged is still there, bit-exact. Every fragment that got
 * RECEIVED gets exactly one of PERSISTED or ERROR.
 *
 * Two ways to fill up: a segment write fails (writev ENOSPC), and, with the disk completely full,
 * small fragments still fit in the segment's last page while the LMDB index commit cannot get a
 * page. The latter used to kill the process: lmdb-js left a rejected promise unhandled.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, rmdirSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cluster } from '../helpers/mkv-stream.js';
import { putMediaRaw, type PutMediaResult } from '../helpers/put-media.js';
import { startServer, tempDir, type TestServer } from '../helpers/server.js';
import { PRODUCER_HEADER, listAllFragments, numberedCluster, postJson, readWholeStream } from './harness.js';

const MOUNT_SIZE = '8m';

function tryMount(dir: string): string | false {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_SIZE}`, 'tmpfs', dir], {
      stdio: 'pipe',
      timeout: 10_000,
    });
    return false;
  } catch (err) {
    return `cannot mount a tmpfs (${String((err as Error).message).split('\n')[0]}): full-disk test skipped`;
  }
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Fills the file system until `leave` bytes are free (0: until writes fail). */
function fill(file: string, leave: number): void {
  const fd = openSync(file, 'a');
  try {
    const block = Buffer.alloc(64 * 1024, 0x55);
    for (let i = 0; i < 10_000; i++) {
      const room = freeBytes(file.slice(0, file.lastIndexOf('/'))) - leave;
      if (room <= 0) break;
      try {
        writeSync(fd, block, 0, Math.min(block.length, room));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
    }
    if (leave === 0) {
      // Top up page by page, then byte by byte, until nothing fits any more.
      for (const size of [4096, 512, 1]) {
        for (let i = 0; i < 10_000; i++) {
          try {
            writeSync(fd, block, 0, size);
          } catch {
            break;
          }
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

function persisted(res: PutMediaResult): string[] {
  return res.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber!);
}

function tinyCluster(i: number): Uint8Array {
  return cluster({ timecode: 1_000_000 + i * 1000, blocks: [{ rel: 0, key: true, size: 40 }] });
}

test('full disk: ERROR 5001 ACK, nothing stored damaged, ingest resumes when space returns', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('not root: cannot mount a tmpfs, full-disk test skipped');
    return;
  }
  const mnt = tempDir('kvideo-full-');
  const skip = tryMount(mnt);
  if (skip) {
    process.stdout.write(`# ${skip}\n`);
    rmdirSync(mnt);
    t.skip(skip);
    return;
  }
  const dataDir = join(mnt, 'data');
  const filler = join(mnt, 'filler');
  mkdirSync(dataDir);
  let srv: TestServer | undefined;
  const sent = new Map<string, Uint8Array>();
  const acked = { a: [] as string[], b: [] as string[] };
  const errored: string[] = [];
  const put = async (
    stream: 'a' | 'b',
    clusters: Uint8Array[],
    timecodeOf: (tc: number) => Uint8Array | undefined,
  ) => {
    const res = await putMediaRaw({
      endpoint: srv!.endpoint,
      headers: { 'x-amzn-stream-name': `full-${stream}` },
      pieces: [PRODUCER_HEADER, ...clusters],
    });
    for (const ack of res.acks) {
      if (ack.EventType === 'BUFFERING') sent.set(ack.FragmentNumber!, timecodeOf(ack.FragmentTimecode!)!);
      if (ack.EventType === 'ERROR' && ack.FragmentNumber) errored.push(ack.FragmentNumber);
    }
    acked[stream].push(...persisted(res));
    // Every fragment that reached RECEIVED ends with exactly one of PERSISTED or ERROR: none is
    // left without an outcome after the first 5001 (the producer would not know to resend it).
    for (const ack of res.acks.filter((a) => a.EventType === 'RECEIVED')) {
      const outcomes = res.acks.filter(
        (a) =>
          a.FragmentNumber === ack.FragmentNumber && (a.EventType === 'PERSISTED' || a.EventType === 'ERROR'),
      );
      assert.equal(outcomes.length, 1, `${ack.FragmentNumber}: ${JSON.stringify(outcomes)}`);
    }
    return res;
  };
  const checkIntact = async (phase: string) => {
    for (const stream of ['a', 'b'] as const) {
      const read = await readWholeStream(srv!.endpoint, `full-${stream}`);
      const byNumber = new Map(read.map((f) => [f.number, f.bytes]));
      const listed = new Set(await listAllFragments(srv!.endpoint, `full-${stream}`));
      for (const n of acked[stream]) {
        assert.ok(listed.has(n), `${phase}: ${n} listed`);
        assert.ok(
          Buffer.from(sent.get(n)!).equals(byNumber.get(n) ?? Buffer.alloc(0)),
          `${phase}: ${n} bit-exact`,
        );
      }
      // Only fragments that were acknowledged, or reported as failed, can be there.
      for (const n of listed)
        assert.ok(acked[stream].includes(n) || errored.includes(n), `${phase}: stray ${n}`);
    }
  };
  try {
    srv = await startServer({ dataDir, segmentBytes: 256 * 1024 });
    for (const name of ['full-a', 'full-b']) {
      assert.equal(
        (await postJson(srv.endpoint, '/createStream', { StreamName: name, DataRetentionInHours: 24 }))
          .status,
        200,
      );
    }
    const bClusters = Array.from({ length: 5 }, (_, i) => numberedCluster(1, i, 1000));
    await put('b', bClusters, (tc) => bClusters[tc / 1000]);
    assert.equal(acked.b.length, 5);

    // 1. Segment writes fail: about 600 KB left, 1.5 MB offered.
    fill(filler, 600 * 1024);
    const aClusters = Array.from({ length: 75 }, (_, i) => numberedCluster(0, i, 2000));
    const first = await put('a', aClusters, (tc) => aClusters[tc / 1000]);
    const error = first.acks.find((a) => a.EventType === 'ERROR');
    assert.deepEqual(
      error && { ErrorId: error.ErrorId, ErrorCode: error.ErrorCode },
      { ErrorId: 5001, ErrorCode: 'ARCHIVAL_ERROR' },
      JSON.stringify(first.acks.slice(-3)),
    );
    assert.ok(
      acked.a.length > 0 && acked.a.length < 75,
      `some persisted before the disk filled: ${acked.a.length}`,
    );
    await checkIntact('segment ENOSPC');

    // 2. Completely full: tiny fragments fit the segment's last page, the index commit does not.
    fill(filler, 0);
    const tiny = Array.from({ length: 200 }, (_, i) => tinyCluster(i));
    const second = await put('a', tiny, (tc) => tiny[(tc - 1_000_000) / 1000]);
    assert.ok(
      second.acks.some((a) => a.EventType === 'ERROR' && a.ErrorId === 5001),
      JSON.stringify(second.acks.slice(-3)),
    );
    // Still serving (the process did not die), and the data is intact.
    assert.equal((await postJson(srv.endpoint, '/describeStream', { StreamName: 'full-a' })).status, 200);
    await checkIntact('disk completely full');

    // 3. Space returns: ingest resumes on the same stream, numbers keep increasing.
    rmSync(filler);
    const before = acked.a.at(-1)!;
    const again = Array.from({ length: 5 }, (_, i) => numberedCluster(0, 100 + i, 2000));
    const third = await put('a', again, (tc) => again[tc / 1000 - 100]);
    assert.equal(
      persisted(third).length,
      5,
      JSON.stringify(third.acks.filter((a) => a.EventType === 'ERROR')),
    );
    assert.ok(persisted(third)[0]! > before);
    await checkIntact('space returned');

    // 4. A restart finds everything acknowledged.
    await srv.close({ keepData: true });
    srv = await startServer({ dataDir, segmentBytes: 256 * 1024 });
    await checkIntact('after restart');
    process.stdout.write(
      `# full disk: ${acked.a.length + acked.b.length} fragments acknowledged, ${errored.length} ERROR ACKs, 0 damaged\n`,
    );
  } finally {
    await srv?.close({ keepData: true });
    try {
      execFileSync('umount', [mnt], { stdio: 'ignore', timeout: 10_000 });
    } catch {
      execFileSync('umount', ['-l', mnt], { stdio: 'ignore', timeout: 10_000 });
    }
    rmSync(mnt, { recursive: true, force: true });
  }
});
