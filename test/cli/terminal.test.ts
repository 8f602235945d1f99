/**
 * What depends on a terminal, run under `script` (a pseudo-terminal): the get-media progress
 * line, --cli-auto-prompt for missing required arguments, the pager and --no-cli-pager, colour
 * in auto mode. Plus help pages, --version and the bare-command usage error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { putMediaRaw } from '../helpers/put-media.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { fixture } from '../helpers/tools.js';
import { cliEnv, collect, kvideo, kvideoOnTty, scriptMissing } from './helpers/run-cli.js';

describe('help, version and usage', () => {
  test('kvideo help / --help / <command> help read like the AWS CLI help pages', async () => {
    const [top, topFlag, media, list, bare, unknown, version] = await Promise.all([
      kvideo(['help']),
      kvideo(['--help']),
      kvideo(['get-media', 'help']),
      kvideo(['list-streams', 'help']),
      kvideo([]),
      kvideo(['describe-streams']),
      kvideo(['--version']),
    ]);
    assert.equal(top.code, 0);
    assert.equal(topFlag.stdout, top.stdout);
    for (const heading of ['NAME', 'DESCRIPTION', 'SYNOPSIS', 'GLOBAL OPTIONS', 'AVAILABLE COMMANDS']) {
      assert.match(top.stdout, new RegExp(`^${heading}$`, 'm'));
    }
    for (const option of [
      '--endpoint-url',
      '--no-sign-request',
      '--cli-read-timeout',
      '--cli-auto-prompt',
      '--no-cli-pager',
    ]) {
      assert.ok(top.stdout.includes(`       ${option} (`), option);
    }
    assert.match(top.stdout, /o get-media\n/);
    assert.equal(media.code, 0);
    assert.match(media.stdout, /^GET-MEDIA\(\) +GET-MEDIA\(\)\n/);
    assert.match(
      media.stdout,
      /SYNOPSIS\n +get-media\n +\[--stream-name <value>\]\n +\[--stream-arn <value>\]\n +--start-selector <value>\n +<outfile>\n/,
    );
    assert.match(media.stdout, /StartSelectorType -> \(string\)/);
    assert.match(
      media.stdout,
      /Shorthand Syntax:\n\n +StartSelectorType=string,AfterFragmentNumber=string,StartTimestamp=timestamp,ContinuationToken=string\n/,
    );
    assert.match(media.stdout, /"StartSelectorType": "FRAGMENT_NUMBER"\|"SERVER_TIMESTAMP"/);
    assert.match(media.stdout, /--follow \(boolean\)\n +kvideo extension\./);
    assert.match(
      media.stdout,
      /metadata\s+\(\{"ContentType":\s+\.\.\.\}\)\s+is\s+then\s+printed\s+to\s+stderr/,
    );
    assert.match(media.stdout, /^OUTPUT\n +ContentType -> \(string\)/m);
    // Paginated: the AWS CLI's paging arguments documented, the service's own hidden.
    assert.match(
      list.stdout,
      /\[--starting-token <value>\]\n +\[--page-size <value>\]\n +\[--max-items <value>\]/,
    );
    assert.doesNotMatch(list.stdout, /--max-results/);
    assert.equal(bare.code, 2);
    assert.match(
      bare.stderr,
      /^usage: kvideo \[options\] <command> \[parameters\]\n[^]*kvideo: error: the following arguments are required: command\n$/,
    );
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /kvideo: error: argument command: Invalid choice, valid choices are:\n\nserve +\| create-stream/,
    );
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^kvideo-cli\/0\.1\.0 Node\.js\/\d+\.\d+\.\d+ \w+\/\S+ aws-sdk-js\/3\n$/);
  });
});

describe('on a terminal', { skip: scriptMissing }, () => {
  let srv: TestServer;
  const dir = tempDir('kvideo-cli-tty-');
  before(async () => {
    srv = await startServer({ limits: { getMediaIdleEndMs: 300, getMediaBytesPerSecond: 0 } });
    const kv = controlPlaneClient(srv.endpoint);
    await kv.send(new CreateStreamCommand({ StreamName: 'cam', DataRetentionInHours: 24 }));
    kv.destroy();
    await putMediaRaw({
      endpoint: srv.endpoint,
      headers: {
        'x-amzn-stream-name': 'cam',
        'x-amzn-fragment-timecode-type': 'RELATIVE',
        'x-amzn-producer-start-timestamp': '1700000000.000',
      },
      pieces: [readFileSync(fixture('h264-aac.mkv'))],
    });
  });
  after(async () => {
    await srv.close();
  });

  test('progress line, auto-prompt, pager and colour', async () => {
    const E = ['--endpoint-url', srv.endpoint];
    const progress = collect(
      kvideoOnTty([
        'get-media',
        ...E,
        '--stream-name',
        'cam',
        '--start-selector',
        'StartSelectorType=EARLIEST',
        join(dir, 'p.mkv'),
      ]),
    );
    const prompted = kvideoOnTty(['get-data-endpoint', ...E, '--stream-name', 'cam', '--cli-auto-prompt']);
    const promptedOut = collect(prompted);
    let seen = '';
    prompted.stdout!.on('data', (d: Buffer) => {
      const before = seen;
      seen += d.toString();
      if (!before.includes('--api-name (string): ') && seen.includes('--api-name (string): ')) {
        prompted.stdin!.write('GET_MEDIA\r');
      }
    });
    const pagerEnv = cliEnv({ AWS_PAGER: "sed -e 's/^/PAGED:/'" });
    const describe = ['describe-stream', ...E, '--stream-name', 'cam', '--output', 'text'];
    const quiet = collect(
      kvideoOnTty([
        'get-media',
        ...E,
        '--stream-name',
        'cam',
        '--start-selector',
        'StartSelectorType=EARLIEST',
        join(dir, 'q.mkv'),
        '--no-progress',
      ]),
    );
    const [p, q, a, paged, unpaged, refused, table] = await Promise.all([
      progress,
      quiet,
      promptedOut,
      collect(kvideoOnTty(describe, pagerEnv)),
      collect(kvideoOnTty([...describe, '--no-cli-pager'], pagerEnv)),
      collect(
        kvideoOnTty(
          ['get-data-endpoint', ...E, '--stream-name', 'cam', '--no-cli-auto-prompt'],
          cliEnv({ AWS_CLI_AUTO_PROMPT: 'on-partial' }),
        ),
      ),
      collect(
        kvideoOnTty(['describe-stream', ...E, '--stream-name', 'cam', '--output', 'table', '--no-cli-pager']),
      ),
    ]);
    assert.equal(p.code, 0, p.output);
    assert.match(p.output, /\r\d+ fragments, [\d.]+ KiB, [\d.]+ (KiB|MiB)\/s, \d+ ms behind now/);
    assert.match(p.output, /"ContentType": "video\/webm"/);
    assert.equal(q.code, 0, q.output);
    assert.doesNotMatch(q.output, /fragments, /, '--no-progress');
    assert.equal(a.code, 0, a.output);
    assert.match(a.output, /"DataEndpoint": "http:\/\/127\.0\.0\.1:\d+"/);
    assert.equal(paged.code, 0, paged.output);
    assert.match(paged.output, /^PAGED:STREAMINFO\t/m);
    assert.match(unpaged.output, /^STREAMINFO\t/m);
    assert.doesNotMatch(unpaged.output, /PAGED:/);
    assert.equal(refused.code, 2);
    assert.match(refused.output, /the following arguments are required: --api-name/);
    assert.ok(
      table.output.includes('\x1b[1m\x1b[34mcam\x1b[0m'),
      '--color auto colours tables on a terminal',
    );
  });
});
