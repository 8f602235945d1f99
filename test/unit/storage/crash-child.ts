/**
 * Child process of the kill -9 test (file-crash.test.ts): appends fragments to a file store in a
 * loop, a few in flight at once, and prints each fragment's index after appendFragment resolved,
 * i.e. after it was acknowledged as durable. The parent kills it at a random moment.
 * Does nothing unless started by that test (node --test also runs every file under dist/test).
 */
import { openFileStorage } from '../../../src/storage/index.js';
import { input, payloadBytes, slicesOf } from '../../contract/fragment-fixtures.js';
import { crashPayloadSize, CRASH_SEGMENT_BYTES, CRASH_STREAM } from './crash-shared.js';

const dataDir = process.env.KVIDEO_CRASH_CHILD_DIR;
if (dataDir) {
  const storage = await openFileStorage({ dataDir, segmentBytes: CRASH_SEGMENT_BYTES });
  const store = storage.fragments;
  const headerId = await store.putHeader(CRASH_STREAM, {
    ebmlHeader: Buffer.from('ebml'),
    segmentHeader: Buffer.from('segment'),
  });
  const last = store.lastFragmentNumber(CRASH_STREAM);
  let next = last === undefined ? 1 : Number(last.slice(-9)) + 1;
  const inFlight = new Set<Promise<void>>();
  process.stdout.write('ready\n');
  for (;;) {
    const i = next++;
    const done = store
      .appendFragment(CRASH_STREAM, headerId, input(i), slicesOf(payloadBytes(i, crashPayloadSize(i))))
      .then(() => {
        process.stdout.write(`${i}\n`);
      });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
}
