/**
 * The PutMedia endpoint under fuzzing, over HTTP: random bytes, mutated valid streams and the
 * hostile Matroska of mkv-arbitraries.ts, each sent in randomly split HTTP chunks. Every response
 * must be the documented one: a 200 ACK stream of well-formed ACK lines, ERROR ACKs only with
 * known codes and never 5000 INTERNAL_ERROR (which would mean the parser broke), PERSISTED only
 * after BUFFERING and RECEIVED of the same fragment, ended within a bounded time; afterwards the
 * server still takes a valid upload and its memory has not run away.
 * Runs: KVIDEO_FUZZ_RUNS / 10 HTTP uploads (at least 30).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ACK_ERRORS } from '../../src/api/index.js';
import { concatBytes } from '../../src/mkv/writer.js';
import { clusters, mkvStream } from '../helpers/mkv-stream.js';
import { putMediaRaw, type Ack } from '../helpers/put-media.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { postJson } from '../reliability/harness.js';
import { FUZZ_RUNS, HEAD, fcOptions, hostileBody } from './mkv-arbitraries.js';

const HTTP_RUNS = Math.max(30, Math.floor(FUZZ_RUNS / 10));
const RESPONSE_DEADLINE_MS = 15_000;
const EVENT_TYPES = new Set(['BUFFERING', 'RECEIVED', 'PERSISTED', 'ERROR', 'IDLE']);
const MB = 1024 * 1024;

const valid = mkvStream({ clusters: clusters(4, 0, 200) });

const body = fc.oneof(
  { weight: 2, arbitrary: hostileBody },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8192 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((tail) => concatBytes([HEAD, tail])) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
        minLength: 1,
        maxLength: 6,
      })
      .map((mutations) => {
        const input = valid.slice();
        for (const m of mutations) input[m.at % input.length] = m.value;
        return input;
      }),
  },
  { weight: 1, arbitrary: fc.nat(valid.length).map((cut) => valid.subarray(0, cut)) },
);

function split(input: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, input.length]) {
    if (p > prev) pieces.push(input.subarray(prev, p));
    prev = p;
  }
  return pieces;
}

function checkAcks(acks: Ack[]): void {
  const seen = new Map<string, string[]>();
  for (const ack of acks) {
    assert.ok(EVENT_TYPES.has(ack.EventType), `event type ${ack.EventType}`);
    if (ack.EventType === 'ERROR') {
      assert.ok(ack.ErrorCode && ack.ErrorCode in ACK_ERRORS, `error code ${ack.ErrorCode}`);
      assert.equal(ack.ErrorId, ACK_ERRORS[ack.ErrorCode as keyof typeof ACK_ERRORS]);
      assert.notEqual(ack.ErrorCode, 'INTERNAL_ERROR', 'the parser failed on an input');
      assert.notEqual(ack.ErrorCode, 'ARCHIVAL_ERROR', 'storage failed on an input');
    }
    if (ack.FragmentNumber) {
      assert.match(ack.FragmentNumber, /^[0-9]{47}$/);
      assert.equal(typeof ack.FragmentTimecode, 'number');
      const events = seen.get(ack.FragmentNumber) ?? [];
      events.push(ack.EventType);
      seen.set(ack.FragmentNumber, events);
      if (ack.EventType === 'PERSISTED') {
        assert.deepEqual(
          events,
          ['BUFFERING', 'RECEIVED', 'PERSISTED'],
          `ACK order of ${ack.FragmentNumber}`,
        );
      }
    }
  }
  assert.ok(
    acks.filter((a) => a.EventType === 'ERROR').length <= 2,
    'at most the fragment error and the session error',
  );
}

describe('PutMedia endpoint fuzzing', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer({
      limits: { putMediaCallsPerSecond: 1_000_000 },
      ingestLimits: { idleTimeoutMs: 5000 },
    });
    assert.equal(
      (await postJson(srv.endpoint, '/createStream', { StreamName: 'fuzz', DataRetentionInHours: 1 })).status,
      200,
    );
  });
  after(async () => {
    await srv.close();
  });

  test(`random, mutated and hostile bodies in random HTTP chunks get well-formed ACK streams (${HTTP_RUNS} uploads)`, async () => {
    const rssBefore = process.memoryUsage().rss;
    const counts = { uploads: 0, persisted: 0, errors: 0 };
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(body, fc.array(fc.nat(), { maxLength: 12 }), async (input, cuts) => {
        const started = Date.now();
        let timer: NodeJS.Timeout | undefined;
        const res = await Promise.race([
          putMediaRaw({
            endpoint: srv.endpoint,
            headers: { 'x-amzn-stream-name': 'fuzz' },
            pieces: split(input, cuts),
          }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error('PutMedia response did not end in time')),
              RESPONSE_DEADLINE_MS,
            );
          }),
        ]).finally(() => clearTimeout(timer));
        slowest = Math.max(slowest, Date.now() - started);
        assert.equal(res.status, 200, res.body);
        assert.equal(res.headers['transfer-encoding'], 'chunked');
        checkAcks(res.acks);
        counts.uploads++;
        counts.persisted += res.acks.filter((a) => a.EventType === 'PERSISTED').length;
        counts.errors += res.acks.filter((a) => a.EventType === 'ERROR').length;
      }),
      fcOptions(HTTP_RUNS),
    );
    // Still healthy: a valid upload goes through.
    const ok = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'fuzz' },
      pieces: [mkvStream({ clusters: clusters(2, 9_000_000_000) })],
    });
    assert.equal(ok.acks.filter((a) => a.EventType === 'PERSISTED').length, 2, JSON.stringify(ok.acks));
    const grew = process.memoryUsage().rss - rssBefore;
    process.stdout.write(
      `# put-media fuzz: ${counts.uploads} uploads, ${counts.persisted} fragments persisted, ` +
        `${counts.errors} ERROR ACKs, slowest response ${slowest} ms, RSS +${(grew / MB).toFixed(0)} MB\n`,
    );
    assert.ok(grew < 256 * MB, `RSS grew ${(grew / MB).toFixed(0)} MB`);
  });
});
