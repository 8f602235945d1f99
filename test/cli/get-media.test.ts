/**
 * `kvideo get-media` and `get-media-for-fragment-list` as subprocesses against an in-process
 * server that ends GetMedia sessions at the live edge: parity with `aws kinesis-video-media
 * get-media` (outfile chunk by chunk, minus the send-time tag, and stdout), start selectors in
 * shorthand, JSON and file:// syntax, stdout output (`-`) with metadata on stderr, --tags,
 * --max-fragments, --until, GetDataEndpoint without --endpoint-url, and Ctrl-C (exit 130).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { awsCliMissing } from '../helpers/aws-cli.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { fixture } from '../helpers/tools.js';
import { comparable, fragmentNumbers, readChunks } from './helpers/chunks.js';
import { aws, BIN, cliEnv, kvideo, REPO } from './helpers/run-cli.js';

const START = 1_700_000_000;
const METADATA = '{\n    "ContentType": "video/webm"\n}\n';

describe('get-media', () => {
  let srv: TestServer;
  let E: string;
  let numbers: string[] = [];
  let arn = '';
  const dir = tempDir('kvideo-cli-get-media-');
  const out = (name: string): string => join(dir, name);

  before(async () => {
    srv = await startServer({ limits: { getMediaIdleEndMs: 300, getMediaBytesPerSecond: 0 } });
    E = srv.endpoint;
    const kv = controlPlaneClient(E);
    arn = (await kv.send(new CreateStreamCommand({ StreamName: 'cam', DataRetentionInHours: 24 })))
      .StreamARN!;
    await kv.send(new CreateStreamCommand({ StreamName: 'uploaded', DataRetentionInHours: 24 }));
    kv.destroy();
    const put = await putMediaRaw({
      endpoint: E,
      headers: {
        'x-amzn-stream-name': 'cam',
        'x-amzn-fragment-timecode-type': 'RELATIVE',
        'x-amzn-producer-start-timestamp': `${START}.000`,
      },
      pieces: [readFileSync(fixture('h264-aac.mkv'))],
    });
    numbers = put.acks.filter((a) => a.EventType === 'PERSISTED').map((a) => a.FragmentNumber!);
    assert.ok(numbers.length >= 4);
  });
  after(async () => {
    await srv.close();
  });

  test('same outfile and stdout as aws kinesis-video-media get-media', async () => {
    const args = [
      '--endpoint-url',
      E,
      '--stream-name',
      'cam',
      '--start-selector',
      'StartSelectorType=EARLIEST',
    ];
    const [k, a] = await Promise.all([
      kvideo(['get-media', ...args, out('k.mkv')]),
      awsCliMissing ? undefined : aws(['kinesis-video-media', 'get-media', ...args, out('a.mkv')]),
    ]);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(k.stdout, METADATA);
    assert.equal(k.stderr, '');
    const mine = readFileSync(out('k.mkv'));
    assert.deepEqual(fragmentNumbers(mine), numbers);
    assert.ok(readChunks(mine).every((c) => c.complete));
    if (!a) return;
    assert.equal(a.code, 0, a.stderr);
    assert.equal(k.stdout, a.stdout);
    const theirs = readChunks(readFileSync(out('a.mkv')));
    const ours = readChunks(mine);
    assert.equal(ours.length, theirs.length);
    ours.forEach((c, i) => assert.deepEqual(comparable(c), comparable(theirs[i]!), `chunk ${i}`));
  });

  test('selectors in shorthand, JSON and file:// syntax; stdout; --tags; --max-fragments; --until', async () => {
    writeFileSync(
      out('selector.json'),
      JSON.stringify({ StartSelectorType: 'CONTINUATION_TOKEN', ContinuationToken: numbers[0] }),
    );
    const base = ['get-media', '--endpoint-url', E, '--stream-name', 'cam'];
    // Two batches: KVS (and kvideo) allow three concurrent GetMedia connections per stream.
    const [shorthand, json, file] = await Promise.all([
      kvideo([
        ...base,
        '--start-selector',
        `StartSelectorType=FRAGMENT_NUMBER,AfterFragmentNumber=${numbers[1]}`,
        out('s.mkv'),
        '--output',
        'text',
      ]),
      kvideo([
        ...base,
        '--start-selector',
        `{"StartSelectorType": "FRAGMENT_NUMBER", "AfterFragmentNumber": "${numbers[2]}"}`,
        out('j.mkv'),
      ]),
      kvideo([
        ...base,
        '--start-selector',
        `file://${out('selector.json')}`,
        out('f.mkv'),
        '--tags=' + out('tags.jsonl'),
      ]),
    ]);
    const [piped, until] = await Promise.all([
      kvideo([
        'get-media',
        '--endpoint-url',
        E,
        '--stream-arn',
        arn,
        '--start-selector',
        'StartSelectorType=EARLIEST',
        '-',
        '--max-fragments',
        '2',
        '--tags',
      ]),
      kvideo([
        ...base,
        '--start-selector',
        `StartSelectorType=PRODUCER_TIMESTAMP,StartTimestamp=${START + 1}`,
        out('u.mkv'),
        '--until',
        new Date((START + 3) * 1000).toISOString(),
      ]),
    ]);
    for (const r of [shorthand, json, file, piped, until]) assert.equal(r.code, 0, r.stderr);
    assert.equal(shorthand.stdout, 'video/webm\n', '--output text');
    assert.deepEqual(fragmentNumbers(readFileSync(out('s.mkv'))), numbers.slice(2));
    assert.deepEqual(fragmentNumbers(readFileSync(out('j.mkv'))), numbers.slice(3));
    assert.deepEqual(fragmentNumbers(readFileSync(out('f.mkv'))), numbers.slice(1));
    const tagLines = readFileSync(out('tags.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      tagLines.map((t) => t.AWS_KINESISVIDEO_FRAGMENT_NUMBER),
      numbers.slice(1),
    );
    assert.deepEqual(
      tagLines.map((t) => t.AWS_KINESISVIDEO_CONTINUATION_TOKEN),
      numbers.slice(1),
    );
    assert.ok(tagLines.every((t) => /^\d+\.\d{3}$/.test(t.AWS_KINESISVIDEO_PRODUCER_TIMESTAMP)));

    // `-`: media on stdout, nothing else; --tags lines and the metadata on stderr.
    assert.deepEqual(fragmentNumbers(piped.stdoutBytes), numbers.slice(0, 2));
    assert.ok(readChunks(piped.stdoutBytes).every((c) => c.complete));
    const [tags1, tags2, ...rest] = piped.stderr.split('\n');
    assert.equal(JSON.parse(tags1!).AWS_KINESISVIDEO_FRAGMENT_NUMBER, numbers[0]);
    assert.equal(JSON.parse(tags2!).AWS_KINESISVIDEO_FRAGMENT_NUMBER, numbers[1]);
    assert.equal(rest.join('\n'), METADATA);

    // Producer timestamps START+1.02 and START+2.02 are in [START+1, START+3).
    assert.deepEqual(fragmentNumbers(readFileSync(out('u.mkv'))), numbers.slice(1, 3));
  });

  test('GetDataEndpoint first without --endpoint-url, straight to --endpoint-url otherwise', async () => {
    const selector = ['--stream-name', 'cam', '--start-selector', 'StartSelectorType=NOW', '--debug'];
    const [viaEnv, direct] = await Promise.all([
      kvideo(['get-media', ...selector, out('e.mkv'), '--max-fragments', '1'], {
        env: cliEnv({ AWS_ENDPOINT_URL: E }),
      }),
      kvideo(['get-media', ...selector, out('d.mkv'), '--max-fragments', '1', '--endpoint-url', E]),
    ]);
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.equal(direct.code, 0, direct.stderr);
    assert.match(
      viaEnv.stderr,
      /Calling GetDataEndpoint with params: \{"StreamName":"cam","APIName":"GET_MEDIA"\}/,
    );
    assert.match(viaEnv.stderr, new RegExp(`GetDataEndpoint\\(GET_MEDIA\\) returned ${E}`));
    assert.doesNotMatch(direct.stderr, /GetDataEndpoint/);
    assert.match(direct.stderr, /kinesisvideo\/aws4_request/, '--debug shows the signed request');
    assert.deepEqual(fragmentNumbers(readFileSync(out('e.mkv'))), numbers.slice(-1));
  });

  test('put-media uploads with the shared options and prints the ACKs per --output', async () => {
    const [text, missing] = await Promise.all([
      kvideo([
        'put-media',
        '--endpoint-url',
        E,
        '--stream-name',
        'uploaded',
        fixture('h264-only.mkv'),
        '--output',
        'text',
      ]),
      kvideo(['put-media', '--endpoint-url', E, '--stream-name', 'nope', fixture('h264-only.mkv')]),
    ]);
    assert.equal(text.code, 0, text.stderr);
    const persisted = text.stdout.split('\n').filter((l) => l.startsWith('PERSISTED\t'));
    assert.ok(persisted.length >= 2, text.stdout);
    assert.match(persisted[0]!, /^PERSISTED\t\d{47}\t\d+$/, 'EventType, FragmentNumber, FragmentTimecode');
    const back = await kvideo([
      'get-media',
      '--endpoint-url',
      E,
      '--stream-name',
      'uploaded',
      '--start-selector',
      'StartSelectorType=EARLIEST',
      out('up.mkv'),
    ]);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(
      fragmentNumbers(readFileSync(out('up.mkv'))),
      persisted.map((l) => l.split('\t')[1]),
    );
    assert.equal(missing.code, 255);
    assert.match(
      missing.stderr,
      /^\nAn error occurred \(ResourceNotFoundException\) when calling the PutMedia operation: /,
    );
  });

  test('get-media-for-fragment-list writes the listed fragments (same bytes as aws)', async () => {
    // The outfile goes first: --fragments takes every word after it (nargs='*'), in both CLIs.
    const args = ['--endpoint-url', E, '--stream-name', 'cam', '--fragments', numbers[0]!, numbers[2]!];
    const [k, a] = await Promise.all([
      kvideo(['get-media-for-fragment-list', out('l.mkv'), ...args]),
      awsCliMissing
        ? undefined
        : aws(['kinesis-video-archived-media', 'get-media-for-fragment-list', out('la.mkv'), ...args]),
    ]);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(k.stdout, METADATA);
    assert.deepEqual(fragmentNumbers(readFileSync(out('l.mkv'))), [numbers[0], numbers[2]]);
    if (!a) return;
    assert.equal(a.stdout, k.stdout);
    assert.ok(readFileSync(out('l.mkv')).equals(readFileSync(out('la.mkv'))));
  });

  test('Ctrl-C stops a --follow read with exit 130 and only whole chunks in the outfile', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'get-media',
        '--endpoint-url',
        E,
        '--stream-name',
        'cam',
        '--start-selector',
        'StartSelectorType=EARLIEST',
        out('c.mkv'),
        '--follow',
      ],
      { env: cliEnv(), cwd: REPO },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    // Sessions end at the idle live edge and --follow reconnects with the continuation token.
    // Interrupted once every fragment is in the outfile (however slow the machine), plus a
    // moment at the live edge.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const saved = existsSync(out('c.mkv')) ? readFileSync(out('c.mkv')) : Buffer.alloc(0);
      if (fragmentNumbers(saved).length >= numbers.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGINT');
    const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await new Promise((r) => child.on('exit', r));
    clearTimeout(guard);
    assert.equal(code, 130);
    assert.equal(stdout, '\n', 'awscli prints a newline on KeyboardInterrupt');
    const saved = readFileSync(out('c.mkv'));
    assert.deepEqual(fragmentNumbers(saved), numbers, 'each fragment exactly once across the sessions');
  });
});
