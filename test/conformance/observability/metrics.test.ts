/**
 * GET /metrics scraped as Prometheus would: the PutMedia and GetMedia counters match the bytes
 * and fragments this test sent and read, API request counts and latency histograms per
 * operation, storage bytes per stream, process metrics, the bounded stream label, series dropped
 * with their stream; GET /health; and /metrics under --auth (curl --aws-sigv4 as the signer).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand, DeleteStreamCommand } from '@aws-sdk/client-kinesis-video';
import {
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { parseCredentials } from '../../../src/auth/index.js';
import { getMediaBytes } from '../../helpers/media.js';
import { clusters, mkvStream } from '../../helpers/mkv-stream.js';
import { putMediaRaw } from '../../helpers/put-media.js';
import {
  controlPlaneClient,
  startServer,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestServer,
} from '../../helpers/server.js';

/** One sample line of the text exposition: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `malformed exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found.length === 0 ? undefined : found.reduce((n, s) => n + s.value, 0);
}

async function scrape(endpoint: string): Promise<{ contentType: string | null; samples: Sample[] }> {
  const res = await fetch(`${endpoint}/metrics`);
  assert.equal(res.status, 200);
  return { contentType: res.headers.get('content-type'), samples: parseExposition(await res.text()) };
}

const START = 1_700_000_000;

describe('GET /metrics and /health', () => {
  let srv: TestServer;
  let body: Uint8Array;
  let persisted = 0;

  before(async () => {
    srv = await startServer({ limits: { getMediaIdleEndMs: 300 } });
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'metered', DataRetentionInHours: 24 }));
    kv.destroy();
    body = mkvStream({ clusters: clusters(5, START * 1000) });
    const res = await putMediaRaw({
      endpoint: srv.endpoint,
      headers: { 'x-amzn-stream-name': 'metered' },
      pieces: [body],
    });
    persisted = res.acks.filter((a) => a.EventType === 'PERSISTED').length;
    assert.equal(persisted, 5);
  });
  after(async () => {
    await srv.close();
  });

  test('PutMedia and GetMedia counters match what was sent and read', async () => {
    const read = await getMediaBytes(srv.endpoint, 'metered', { StartSelectorType: 'EARLIEST' });
    const chunks = read.bytes.toString('latin1').split('\x1a\x45\xdf\xa3').length - 1;
    assert.equal(chunks, 5);
    const { contentType, samples } = await scrape(srv.endpoint);
    assert.match(contentType ?? '', /^text\/plain; version=0\.0\.4/);
    const stream = { stream: 'metered' };
    assert.equal(value(samples, 'kvideo_putmedia_incoming_bytes_total', stream), body.length);
    assert.equal(value(samples, 'kvideo_putmedia_incoming_fragments_total', stream), persisted);
    assert.equal(value(samples, 'kvideo_putmedia_fragment_ingestion_latency_seconds_count'), persisted);
    assert.equal(value(samples, 'kvideo_putmedia_fragment_persist_latency_seconds_count'), persisted);
    assert.equal(value(samples, 'kvideo_putmedia_active_connections', stream), 0);
    assert.equal(value(samples, 'kvideo_getmedia_outgoing_bytes_total', stream), read.bytes.length);
    assert.equal(value(samples, 'kvideo_getmedia_outgoing_fragments_total', stream), 5);
    assert.ok((value(samples, 'kvideo_getmedia_behind_now_seconds', stream) ?? -1) >= 0);
    assert.equal(
      value(samples, 'kvideo_api_requests_total', { operation: 'PutMedia', ...stream, outcome: 'success' }),
      1,
    );
    assert.equal(
      value(samples, 'kvideo_api_requests_total', { operation: 'GetMedia', ...stream, outcome: 'success' }),
      1,
    );
    assert.equal(
      value(samples, 'kvideo_api_requests_total', { operation: 'CreateStream', outcome: 'success' }),
      1,
    );
    assert.equal(value(samples, 'kvideo_putmedia_error_acks_total', stream), undefined);
    assert.ok((value(samples, 'kvideo_process_cpu_user_seconds_total') ?? 0) > 0, 'process metrics');
    assert.ok((value(samples, 'kvideo_http_open_connections') ?? 0) >= 1);
    assert.equal(value(samples, 'kvideo_streams'), 1);
  });

  test('request latency per operation, errors by code, storage bytes per stream', async () => {
    const am = new KinesisVideoArchivedMediaClient({
      endpoint: srv.endpoint,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    const listed = await am.send(new ListFragmentsCommand({ StreamName: 'metered' }));
    await am.send(new ListFragmentsCommand({ StreamName: 'metered' }));
    await am.send(new ListFragmentsCommand({ StreamName: 'no-such-stream' })).catch(() => undefined);
    am.destroy();
    const { samples } = await scrape(srv.endpoint);
    assert.equal(
      value(samples, 'kvideo_api_request_duration_seconds_count', { operation: 'ListFragments' }),
      3,
    );
    assert.equal(
      value(samples, 'kvideo_api_requests_total', {
        operation: 'ListFragments',
        stream: 'metered',
        outcome: 'success',
      }),
      2,
    );
    // A made-up stream name takes no label slot.
    assert.equal(
      value(samples, 'kvideo_api_requests_total', {
        operation: 'ListFragments',
        stream: '',
        outcome: 'ResourceNotFoundException',
      }),
      1,
    );
    const fragmentBytes = (listed.Fragments ?? []).reduce((n, f) => n + (f.FragmentSizeInBytes ?? 0), 0);
    const stored = value(samples, 'kvideo_storage_bytes', { stream: 'metered' }) ?? 0;
    assert.ok(
      stored >= fragmentBytes && stored < fragmentBytes * 2,
      `${stored} stored for ${fragmentBytes} fragment bytes`,
    );
  });

  test('the stream label is capped, and a deleted stream loses its series', async () => {
    const capped = await startServer({ metrics: { maxStreamLabels: 1, processMetrics: false } });
    try {
      const kv = controlPlaneClient(capped.endpoint);
      const arns: string[] = [];
      for (const name of ['one', 'two', 'three']) {
        arns.push(
          (await kv.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: 1 }))).StreamARN!,
        );
        await putMediaRaw({
          endpoint: capped.endpoint,
          headers: { 'x-amzn-stream-name': name },
          pieces: [body],
        });
      }
      let { samples } = await scrape(capped.endpoint);
      assert.equal(value(samples, 'kvideo_putmedia_incoming_bytes_total', { stream: 'one' }), body.length);
      assert.equal(
        value(samples, 'kvideo_putmedia_incoming_bytes_total', { stream: '_other' }),
        2 * body.length,
      );
      assert.equal(value(samples, 'kvideo_process_cpu_user_seconds_total'), undefined);
      await kv.send(new DeleteStreamCommand({ StreamARN: arns[0] }));
      kv.destroy();
      ({ samples } = await scrape(capped.endpoint));
      assert.equal(value(samples, 'kvideo_putmedia_incoming_bytes_total', { stream: 'one' }), undefined);
    } finally {
      await capped.close();
    }
  });

  test('GET /health answers 200 with status, uptime and storage', async () => {
    const res = await fetch(`${srv.endpoint}/health`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const health = (await res.json()) as {
      status: string;
      uptimeSeconds: number;
      storage: { ok: boolean; streams: number };
    };
    assert.equal(health.status, 'ok');
    assert.ok(health.uptimeSeconds >= 0);
    assert.deepEqual(health.storage, { ok: true, streams: 1 });
    // GET / stays free for the console: it is not an operation.
    assert.equal((await fetch(`${srv.endpoint}/`)).status, 404);
  });
});

const curlMissing: string | false = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'curl is not installed';
  }
})();

describe('/metrics with --auth', { skip: curlMissing }, () => {
  const credentials = () =>
    parseCredentials(`credentials:
  - accessKeyId: AKIDOPS
    secretAccessKey: ops-secret
  - accessKeyId: AKIDCAM
    secretAccessKey: cam-secret
    streams: ["cam-*"]
`);
  // Asynchronous: the server runs in this process and must keep answering while curl waits.
  const curl = async (url: string, key?: string): Promise<{ status: number; body: string }> => {
    const args = ['-s', '-w', '\\n%{http_code}', url];
    if (key) args.unshift('--aws-sigv4', `aws:amz:${TEST_REGION}:kinesisvideo`, '--user', key);
    const { stdout } = await promisify(execFile)('curl', args);
    const nl = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(nl + 1)), body: stdout.slice(0, nl) };
  };

  test('needs a SigV4 signature of a key for all streams; /health stays public', async () => {
    const srv = await startServer({ credentials: credentials() });
    try {
      assert.equal((await curl(`${srv.endpoint}/metrics`)).status, 403);
      const signed = await curl(`${srv.endpoint}/metrics`, 'AKIDOPS:ops-secret');
      assert.equal(signed.status, 200);
      assert.match(signed.body, /kvideo_api_requests_total/);
      // A key restricted to some streams may not see every stream's figures.
      assert.equal((await curl(`${srv.endpoint}/metrics`, 'AKIDCAM:cam-secret')).status, 401);
      assert.equal((await curl(`${srv.endpoint}/metrics`, 'AKIDOPS:wrong')).status, 403);
      assert.equal((await curl(`${srv.endpoint}/health`)).status, 200);
    } finally {
      await srv.close();
    }
  });

  test('--metrics-public serves it unsigned', async () => {
    const srv = await startServer({ credentials: credentials(), metricsPublic: true });
    try {
      assert.equal((await curl(`${srv.endpoint}/metrics`)).status, 200);
    } finally {
      await srv.close();
    }
  });
});
