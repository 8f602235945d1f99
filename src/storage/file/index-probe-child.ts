/**
 * Run as a separate process by index-probe.ts: opens meta.lmdb read-only and reads every entry
 * of every sub-database, printing how many each holds. A damaged file can make LMDB crash the process (SIGSEGV) instead of
 * throwing, which is why this runs apart from the server. Exit 0 = readable; anything else
 * (an exception, a signal) = unreadable. argv[2] is the path of meta.lmdb.
 */
import { open } from 'lmdb';
import { SUB_DATABASES } from './lmdb-env.js';

const path = process.argv[2];
if (!path) process.exit(2);
const root = open({ path, maxDbs: 16, readOnly: true });
const counts: Record<string, number> = {};
for (const name of SUB_DATABASES) {
  const db = root.openDB({ name });
  let n = 0;
  for (const entry of db.getRange({})) {
    if (entry.key === undefined || entry.value === undefined) throw new Error(`bad entry in ${name}`);
    n++;
  }
  counts[name] = n;
}
await root.close();
process.stdout.write(JSON.stringify({ counts }));
