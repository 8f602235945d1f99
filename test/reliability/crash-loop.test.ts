/**
 * Nothing acknowledged is lost across kill -9 (design.md §9, §11): a `kvideo serve` process takes
 * PutMedia on several streams while live GetMedia readers follow them, and is killed with SIGKILL
 * at a random moment, KVIDEO_CRASH_CYCLES times (default 3; `npm run reliability:long` runs 100).
 * Checked after every restart: every fragment that got PERSISTED is listed by ListFragments;
 * fragment numbers handed out after a restart are above all earlier ones; each reader saw its
 * fragments once, in strictly increasing order, bit-exact. At the end every PERSISTED fragment
 * is read back bit-exact through GetMedia from EARLIEST.
 * Prints "# crash loop: N cycles, A fragments acknowledged, L lost" (docs/reliability.md).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { putMediaRaw, type Ack } from '../helpers/put-media.js';
import { spawnServer, type ServerProcess } from '../helpers/server-process.js';
import { tempDir } from '../helpers/server.js';
import {
  PRODUCER_HEADER,
  fragmentsOfBody,
  listAllFragments,
  liveGetMedia,
  numberedCluster,
  postJson,
  readWholeStream,
  seededRandom,
} from './harness.js';

const CYCLES = Number(process.env.KVIDEO_CRASH_CYCLES ?? 3);
const SEED = Number(process.env.KVIDEO_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STREAMS = ['crash-a', 'crash-b', 'crash-c'];
const CLUSTERS_PER_CYCLE = 40;

interface StreamState {
  name: string;
  index: number;
  /** Next cluster index (timecode = index * 1000 ms), continuing across cycles. */
  next: number;
  /** Cluster bytes by timecode, for every cluster ever sent. */
  byTimecode: Map<number, Uint8Array>;
  /** Fragment number → cluster bytes, from BUFFERING ACKs. */
  sent: Map<string, Uint8Array>;
  acked: Set<string>;
  /** Largest fragment number seen in any ACK so far. */
  highest: string;
}

test(
  `kill -9 during ingest and live reads loses no PERSISTED fragment (${CYCLES} cycles)`,
  { timeout: 30 * 60_000 },
  async () => {
    process.stdout.write(`# crash loop seed ${SEED} (replay with KVIDEO_CRASH_SEED=${SEED})\n`);
    const random = seededRandom(SEED);
    const dataDir = tempDir('kvideo-crash-');
    const streams: StreamState[] = STREAMS.map((name, index) => ({
      name,
      index,
      next: 0,
      byTimecode: new Map(),
      sent: new Map(),
      acked: new Set(),
      highest: '',
    }));
    let readerFragments = 0;
    let server: ServerProcess | undefined;
    try {
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        server = await spawnServer(dataDir, ['--unthrottled']);
        const { endpoint } = server;
        if (cycle === 0) {
          for (const s of streams) {
            const res = await postJson(endpoint, '/createStream', {
              StreamName: s.name,
              DataRetentionInHours: 24,
            });
            assert.equal(res.status, 200, JSON.stringify(res.body));
          }
        } else {
          // Everything acknowledged before the crash is listed after the restart.
          for (const s of streams) {
            const listed = new Set(await listAllFragments(endpoint, s.name));
            const missing = [...s.acked].filter((n) => !listed.has(n));
            assert.deepEqual(missing, [], `cycle ${cycle}: ${s.name} lost acknowledged fragments`);
          }
        }

        const floors = streams.map((s) => s.highest);
        const readers = streams.map((s) => liveGetMedia(endpoint, s.name, { StartSelectorType: 'NOW' }));
        const frameBytes = 500 + Math.floor(random() * 3000);
        const producers = streams.map((s) => {
          const pieces = [PRODUCER_HEADER];
          for (let k = 0; k < CLUSTERS_PER_CYCLE; k++, s.next++) {
            const bytes = numberedCluster(s.index, s.next, frameBytes);
            s.byTimecode.set(s.next * 1000, bytes);
            pieces.push(bytes);
          }
          const session: string[] = [];
          const done = putMediaRaw({
            endpoint,
            headers: { 'x-amzn-stream-name': s.name },
            pieces,
            delayMs: 5 + Math.floor(random() * 20),
            onAck: (ack: Ack) => {
              if (!ack.FragmentNumber) return;
              if (ack.FragmentNumber > s.highest) s.highest = ack.FragmentNumber;
              if (ack.EventType === 'BUFFERING') {
                session.push(ack.FragmentNumber);
                s.sent.set(ack.FragmentNumber, s.byTimecode.get(ack.FragmentTimecode!)!);
              }
              if (ack.EventType === 'PERSISTED') s.acked.add(ack.FragmentNumber);
            },
          });
          return { done, session };
        });
        const killAfterMs = 50 + Math.floor(random() * 900);
        await new Promise((resolve) => setTimeout(resolve, killAfterMs));
        await server.kill('SIGKILL');
        server = undefined;
        await Promise.all(producers.map((p) => p.done));
        const bodies = await Promise.all(readers.map((r) => r.done));

        streams.forEach((s, i) => {
          const session = producers[i]!.session;
          // Numbers handed out in this cycle are above everything seen before the crash…
          if (session.length > 0 && floors[i]) {
            assert.ok(
              session[0]! > floors[i]!,
              `cycle ${cycle}: ${s.name} reused or lowered a fragment number`,
            );
          }
          // …and strictly increasing within the session.
          session.forEach((n, k) => k > 0 && assert.ok(n > session[k - 1]!, `${s.name}: BUFFERING order`));
          // The reader saw each fragment once, in order, bit-exact.
          const seen = fragmentsOfBody(bodies[i]!);
          seen.forEach((f, k) => {
            if (k > 0)
              assert.ok(f.number > seen[k - 1]!.number, `cycle ${cycle}: ${s.name} reader order/duplicate`);
            // The ACK may have died with the server; the producer timestamp then names the cluster.
            const expected = s.sent.get(f.number) ?? s.byTimecode.get(f.producerMs);
            assert.ok(expected, `cycle ${cycle}: ${s.name} reader got an unknown fragment ${f.number}`);
            assert.ok(Buffer.from(expected).equals(f.bytes), `cycle ${cycle}: ${s.name} reader bytes differ`);
          });
          readerFragments += seen.length;
        });
      }

      server = await spawnServer(dataDir, ['--unthrottled']);
      let acknowledged = 0;
      let lost = 0;
      for (const s of streams) {
        const fragments = await readWholeStream(server.endpoint, s.name);
        const numbers = fragments.map((f) => f.number);
        numbers.forEach((n, k) => k > 0 && assert.ok(n > numbers[k - 1]!, `${s.name}: GetMedia order`));
        const stored = new Map(fragments.map((f) => [f.number, f.bytes]));
        const listed = new Set(await listAllFragments(server.endpoint, s.name));
        for (const n of s.acked) {
          acknowledged++;
          const got = stored.get(n);
          if (!got || !listed.has(n) || !Buffer.from(s.sent.get(n)!).equals(got)) lost++;
        }
      }
      process.stdout.write(
        `# crash loop: ${CYCLES} cycles, ${acknowledged} fragments acknowledged, ${lost} lost ` +
          `(${STREAMS.length} streams, ${readerFragments} fragments seen by live readers)\n`,
      );
      assert.equal(lost, 0);
      assert.ok(acknowledged > 0, 'some fragments were acknowledged before the kills');
    } finally {
      await server?.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
