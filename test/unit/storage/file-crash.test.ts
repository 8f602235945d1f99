/**
 * kill -9 test of the file backend: a child process appends fragments and reports each one only
 * after appendFragment resolved; it is SIGKILLed at a random moment, several rounds in a row.
 * After every kill, each reported (acknowledged) fragment must be readable bit-exact, and the
 * store must accept new appends. Payloads derive from the fragment index, so nothing is kept.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { openFileStorage } from '../../../src/storage/index.js';
import { fn, payloadBytes, readPayload } from '../../contract/fragment-fixtures.js';
import { tempDir } from '../../contract/temp-dir.js';
import { crashPayloadSize, CRASH_SEGMENT_BYTES, CRASH_STREAM } from './crash-shared.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const ROUNDS = 4;

/** Runs the child until it has acknowledged something, then kills it after a random delay. */
function runAndKill(dataDir: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, KVIDEO_CRASH_CHILD_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: number[] = [];
    let buffered = '';
    let armed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (/^\d+$/.test(line)) acked.push(Number(line));
      if (!armed && acked.length > 0) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), 20 + Math.random() * 400);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited by itself (code ${code})`));
      else resolve(acked); // lines after the kill never arrive; a partial last line is ignored
    });
  });
}

test('every acknowledged fragment survives kill -9, round after round', async () => {
  const tmp = tempDir();
  try {
    let total = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const acked = await runAndKill(tmp.dir);
      assert.ok(acked.length > 0);
      total += acked.length;
      const storage = await openFileStorage({ dataDir: tmp.dir, segmentBytes: CRASH_SEGMENT_BYTES });
      try {
        for (const i of acked) {
          const bytes = await readPayload(storage.fragments, CRASH_STREAM, i);
          assert.ok(
            bytes.equals(payloadBytes(i, crashPayloadSize(i))),
            `round ${round}: fragment ${i} bit-exact`,
          );
        }
        const newest = Math.max(...acked);
        const last = storage.fragments.lastFragmentNumber(CRASH_STREAM)!;
        assert.ok(last >= fn(newest), 'the counter is at least the newest acknowledged number');
        // Everything indexed is consistent: walking by number reads every payload back.
        let meta = storage.fragments.earliest(CRASH_STREAM);
        while (meta) {
          const i = Number(meta.fragmentNumber.slice(-9));
          assert.equal(meta.size, crashPayloadSize(i));
          meta = storage.fragments.fragmentAfter(CRASH_STREAM, meta.fragmentNumber);
        }
      } finally {
        await storage.close();
      }
    }
    assert.ok(total > ROUNDS);
  } finally {
    tmp.remove();
  }
});
