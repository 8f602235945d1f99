/**
 * Child of index-damage.test.ts: opens the file store in argv[2] (in its own process, so a crash
 * in LMDB cannot take the test runner down) and prints what it serves: how many fragments of
 * stream `cam` are listed, how many read back bit-exact, and why the index was rebuilt.
 */
import { openFileStorage } from '../../src/storage/index.js';
import { payloadBytes, readPayload } from '../contract/fragment-fixtures.js';

const dir = process.argv[2]!;
const storage = await openFileStorage({ dataDir: dir });
const listed = storage.fragments.listByTimestamp('cam', 'SERVER', 0, 1e15, 1000);
let intact = 0;
for (const meta of listed) {
  const i = meta.serverTimestampMs / 1000; // input(i) of the fixtures
  if ((await readPayload(storage.fragments, 'cam', i)).equals(payloadBytes(i, 700))) intact++;
}
const streams = storage.meta.list().map((s) => s.streamName);
process.stdout.write(
  JSON.stringify({ listed: listed.length, intact, streams, rebuilt: storage.report.rebuilt ?? null }),
);
await storage.close();
