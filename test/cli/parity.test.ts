/**
 * kvideo against the AWS CLI v1, byte for byte: the same command line through both (kvideo
 * accepts `kinesisvideo describe-stream ...` as well as `describe-stream ...`) against one
 * in-process server, comparing exit code, stdout and the error text on stderr. Covers json, text,
 * table (plain and --color on), --query, pagination (--page-size, --max-items, --starting-token,
 * --no-paginate), shorthand / JSON / file:// parameters, timestamps as received, and the
 * error and usage paths. Without `aws`, the kvideo half still runs with its own assertions.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis-video';
import { awsCliMissing } from '../helpers/aws-cli.js';
import { putMediaRaw } from '../helpers/put-media.js';
import { controlPlaneClient, startServer, tempDir, type TestServer } from '../helpers/server.js';
import { fixture } from '../helpers/tools.js';
import { aws, kvideo, type CliRun } from './helpers/run-cli.js';

/** The last line of stderr: argparse errors differ only in the usage banner and program name. */
const lastLine = (s: string): string => (s.trimEnd().split('\n').at(-1) ?? '').replace(/^(aws|kvideo): /, '');

describe('kvideo matches the AWS CLI', () => {
  let srv: TestServer;
  let E: string;
  const E_ = (): string => E;
  const dir = tempDir('kvideo-cli-parity-');

  before(async () => {
    srv = await startServer({ limits: { getMediaIdleEndMs: 300 } });
    E = srv.endpoint;
    const kv = controlPlaneClient(E);
    for (const [name, extra] of [
      ['cam-a', { DataRetentionInHours: 24, MediaType: 'video/h264', Tags: { team: 'a' } }],
      ['cam-b', { DeviceName: 'dev-b' }],
      ['lab-c', {}],
    ] as const) {
      await kv.send(new CreateStreamCommand({ StreamName: name, ...extra }));
    }
    kv.destroy();
    await putMediaRaw({
      endpoint: E,
      headers: {
        'x-amzn-stream-name': 'cam-a',
        'x-amzn-fragment-timecode-type': 'RELATIVE',
        'x-amzn-producer-start-timestamp': '1700000000.000',
      },
      pieces: [readFileSync(fixture('h264-aac.mkv'))],
    });
    writeFileSync(
      join(dir, 'condition.json'),
      '{"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "cam"}',
    );
  });
  after(async () => {
    await srv.close();
  });

  interface Case {
    service: string;
    args: string[];
    code?: number;
    /** Also run through `aws` and compare byte for byte (each aws run costs ~1 s of CPU). */
    aws?: boolean;
    check?: (k: CliRun) => void;
  }

  /** Runs the cases three at a time; kvideo gets them without the service name. */
  async function run(cases: Case[]): Promise<void> {
    const queue = [...cases];
    const worker = async (): Promise<void> => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const args = [...c.args, '--endpoint-url', E];
        const label = c.args.join(' ');
        const [k, a] = await Promise.all([
          kvideo(args),
          c.aws && !awsCliMissing ? aws([c.service, ...args]) : Promise.resolve(undefined),
        ]);
        assert.equal(k.code, c.code ?? 0, `${label}: ${k.stderr}`);
        c.check?.(k);
        if (!a) continue;
        assert.equal(k.code, a.code, `${label}: exit code (kvideo stderr: ${k.stderr})`);
        assert.equal(k.stdout, a.stdout, `${label}: stdout`);
        if (a.code === 2 || a.stderr.includes('Unknown options'))
          assert.equal(lastLine(k.stderr), lastLine(a.stderr), label);
        else assert.equal(k.stderr, a.stderr, `${label}: stderr`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  }

  test('output formats, pagination, parameters: same bytes as aws', async () => {
    const first = await kvideo(['list-streams', '--max-items', '1', '--endpoint-url', E]);
    const token = JSON.parse(first.stdout).NextToken as string;
    // botocore's token format, so tokens move between the two CLIs.
    assert.equal(Buffer.from(token, 'base64').toString(), '{"NextToken": null, "boto_truncate_amount": 1}');
    const kv = 'kinesisvideo';
    const am = 'kinesis-video-archived-media';
    await run([
      {
        service: kv,
        args: ['describe-stream', '--stream-name', 'cam-a'],
        aws: true,
        check: (k) => {
          const info = JSON.parse(k.stdout).StreamInfo;
          // Member order is the model's (botocore), not the wire's; times are epoch numbers.
          assert.deepEqual(Object.keys(info).slice(0, 3), ['StreamName', 'StreamARN', 'MediaType']);
          assert.equal(typeof info.CreationTime, 'number');
        },
      },
      {
        service: kv,
        args: ['describe-stream', '--stream-name', 'cam-b', '--output', 'text'],
        check: (k) => assert.match(k.stdout, /^STREAMINFO\t[0-9.]+\t0\tdev-b\t/),
      },
      {
        service: kv,
        args: ['describe-stream', '--stream-name', 'cam-a', '--output', 'table', '--color', 'on'],
        aws: true,
        check: (k) => assert.ok(k.stdout.includes('\x1b[1m\x1b[34mcam-a\x1b[0m'), 'colored cells'),
      },
      {
        service: kv,
        args: ['get-data-endpoint', '--stream-name', 'cam-a', '--api-name', 'GET_MEDIA', '--output', 'table'],
        check: (k) => assert.ok(k.stdout.includes(`|  DataEndpoint|  ${E}`) || k.stdout.includes(E)),
      },
      {
        service: kv,
        args: ['list-streams', '--page-size', '1', '--output', 'text'],
        aws: true,
        check: (k) => assert.equal(k.stdout.split('\n').length, 4),
      },
      {
        service: kv,
        args: ['list-streams', '--max-items', '2', '--starting-token', token],
        aws: true,
        check: (k) =>
          assert.deepEqual(
            JSON.parse(k.stdout).StreamInfoList.map((s: { StreamName: string }) => s.StreamName),
            ['cam-b', 'lab-c'],
          ),
      },
      {
        service: kv,
        args: ['list-streams', '--no-paginate', '--max-results', '1', '--output', 'text'],
        aws: true,
        // Not paginated: the service's own NextToken is a top-level scalar, printed first.
        check: (k) => assert.match(k.stdout, /^\S+\nSTREAMINFOLIST\t[^\n]*\tcam-a\t\S+\n$/),
      },
      {
        service: kv,
        args: [
          'list-streams',
          '--stream-name-condition',
          'ComparisonOperator=BEGINS_WITH,ComparisonValue=cam',
          '--query',
          'StreamInfoList[].StreamName',
          '--output',
          'text',
        ],
        check: (k) => assert.equal(k.stdout, 'cam-a\tcam-b\n'),
      },
      {
        service: kv,
        args: [
          'list-streams',
          '--stream-name-condition',
          `file://${join(dir, 'condition.json')}`,
          '--query',
          'length(StreamInfoList)',
        ],
        check: (k) => assert.equal(k.stdout, '2\n'),
      },
      {
        service: am,
        args: ['list-fragments', '--stream-name', 'cam-a', '--output', 'table', '--max-items', '2'],
        aws: true,
        check: (k) => assert.match(k.stdout, /NextToken/),
      },
      {
        service: am,
        args: [
          'list-fragments',
          '--stream-name',
          'cam-a',
          '--fragment-selector',
          'FragmentSelectorType=PRODUCER_TIMESTAMP,TimestampRange={StartTimestamp=1700000001,EndTimestamp=2023-11-14T22:13:22Z}',
          '--query',
          'Fragments[].FragmentNumber',
        ],
        check: (k) =>
          assert.equal(
            JSON.parse(k.stdout).length,
            1,
            'the fragment with producer time in [1700000001, 1700000002]',
          ),
      },
      {
        service: am,
        args: [
          'list-fragments',
          '--stream-name',
          'cam-a',
          '--fragment-selector',
          '{"FragmentSelectorType": "SERVER_TIMESTAMP", "TimestampRange": {"StartTimestamp": 0, "EndTimestamp": 4000000000}}',
          '--page-size',
          '2',
          '--output',
          'text',
          '--query',
          'Fragments[].FragmentSizeInBytes',
        ],
        check: (k) => assert.equal(k.stdout.trim().split('\n').length, 2, 'two pages of two'),
      },
    ]);
  });

  test('errors and exit codes: service 255, usage 2, unknown options 255, validation 255', async () => {
    const kv = 'kinesisvideo';
    const media = 'kinesis-video-media';
    const out = join(dir, 'x.mkv');
    const err = (service: string, args: string[], code: number, stderr: RegExp, compare = false): Case => ({
      service,
      args,
      code,
      aws: compare,
      check: (k) => {
        assert.match(k.stderr, stderr, args.join(' '));
        assert.equal(k.stdout, '');
      },
    });
    await run([
      err(
        kv,
        ['describe-stream', '--stream-name', 'nope'],
        255,
        /^\nAn error occurred \(ResourceNotFoundException\) when calling the DescribeStream operation: /,
      ),
      err(
        media,
        ['get-media', '--stream-name', 'nope', '--start-selector', 'StartSelectorType=EARLIEST', out],
        255,
        /An error occurred \(ResourceNotFoundException\) when calling the GetMedia operation/,
        true,
      ),
      err(kv, ['create-stream'], 2, /error: the following arguments are required: --stream-name\n$/, true),
      err(media, ['get-media', '--stream-name', 's'], 2, /required: --start-selector, outfile\n$/),
      err(
        kv,
        ['describe-stream', '--stream-name', 'cam-a', '--bogus', 'x'],
        255,
        /\n\nUnknown options: --bogus, x\n$/,
      ),
      err(
        kv,
        ['list-streams', '--max-results', '0'],
        255,
        /^\nParameter validation failed:\nInvalid value for parameter MaxResults, value: 0, valid min value: 1\n$/,
        true,
      ),
      err(
        kv,
        ['list-streams', '--stream-name-condition', 'ComparisonOperator=BEGINS_WITH,Foo=1'],
        255,
        /Unknown parameter in StreamNameCondition: "Foo", must be one of: ComparisonOperator, ComparisonValue/,
      ),
      err(
        media,
        ['get-media', '--stream-name', 's', '--start-selector', '{"StartSelectorType": "NOW",}', out],
        255,
        /^\nError parsing parameter '--start-selector': Invalid JSON: Expecting property name enclosed in double quotes: line 1 column 29 \(char 28\)\nJSON received: /,
      ),
      err(
        media,
        ['get-media', '--stream-name', 's', '--start-selector', 'AfterFragmentNumber=1', out],
        255,
        /Missing required parameter in StartSelector: "StartSelectorType"/,
      ),
      err(
        kv,
        ['create-stream', '--stream-name', 'x', '--data-retention-in-hours', 'ten'],
        255,
        /^\nError parsing parameter '--data-retention-in-hours': invalid literal for int\(\) with base 10: 'ten'\n$/,
      ),
      err(
        kv,
        ['list-streams', '--output', 'xml'],
        2,
        /argument --output: Invalid choice, valid choices are:/,
      ),
      err(
        kv,
        ['list-streams', '--cli-binary-format', 'hex'],
        2,
        /argument --cli-binary-format: Invalid choice/,
      ),
      err(
        kv,
        ['list-streams', '--cli-read-timeout', 'soon'],
        2,
        /argument --cli-read-timeout: invalid int value: 'soon'\n$/,
      ),
      err(
        kv,
        ['list-streams', '--no-paginate', '--max-items', '1'],
        255,
        /^\nError during pagination: Cannot specify --no-paginate along with pagination arguments: --max-items\n$/,
      ),
    ]);
  });

  test('yaml and yaml-stream (AWS CLI v2 formats) hold the same data as json', async () => {
    const [json, yaml, stream, prefixed] = await Promise.all([
      kvideo(['list-streams', '--endpoint-url', E]),
      kvideo(['list-streams', '--endpoint-url', E, '--output', 'yaml']),
      kvideo(['list-streams', '--endpoint-url', E, '--output', 'yaml-stream', '--page-size', '2']),
      kvideo([
        'kinesisvideo',
        'list-streams',
        '--endpoint-url',
        E,
        '--query',
        'StreamInfoList[0].CreationTime',
        '--output',
        'yaml',
      ]),
    ]);
    const data = JSON.parse(json.stdout);
    assert.deepEqual(parseYaml(yaml.stdout), data);
    assert.match(yaml.stdout, /^StreamInfoList:\n- StreamName: cam-a\n/);
    const pages = parseYaml(stream.stdout) as { StreamInfoList: unknown[] }[];
    assert.deepEqual(
      pages.map((p) => p.StreamInfoList.length),
      [2, 1],
    );
    assert.deepEqual(
      pages.flatMap((p) => p.StreamInfoList),
      data.StreamInfoList,
    );
    assert.equal(Number(prefixed.stdout), data.StreamInfoList[0].CreationTime);
  });

  test('create-stream, update-data-retention, delete-stream change the stream', async () => {
    const E = ['--endpoint-url', E_()];
    const created = await kvideo([
      'create-stream',
      '--stream-name',
      'made',
      '--data-retention-in-hours',
      '2',
      '--tags',
      'owner=qa,site=lab',
      '--media-type',
      'video/h264',
      '--cli-binary-format',
      'raw-in-base64-out',
      ...E,
    ]);
    assert.equal(created.code, 0, created.stderr);
    const arn = JSON.parse(created.stdout).StreamARN as string;
    const version = (
      await kvideo([
        'describe-stream',
        '--stream-arn',
        arn,
        '--query',
        'StreamInfo.Version',
        '--output',
        'text',
        ...E,
      ])
    ).stdout.trim();
    const updated = await kvideo([
      'update-data-retention',
      '--stream-name',
      'made',
      '--current-version',
      version,
      '--operation',
      'INCREASE_DATA_RETENTION',
      '--data-retention-change-in-hours',
      '3',
      ...E,
    ]);
    // Operations without output members print nothing, as in the AWS CLI.
    assert.deepEqual([updated.code, updated.stdout, updated.stderr], [0, '', '']);
    const after = await kvideo([
      'describe-stream',
      '--stream-name',
      'made',
      '--output',
      'table',
      '--color',
      'off',
      ...E,
    ]);
    assert.match(after.stdout, /\|\s+DataRetentionInHours\s*\|\s+5\s+\|/);
    assert.ok(!after.stdout.includes('\x1b'), '--color off');
    const deleted = await kvideo(['delete-stream', '--stream-arn', arn, ...E]);
    assert.deepEqual([deleted.code, deleted.stdout], [0, '']);
    const gone = await kvideo(['describe-stream', '--stream-name', 'made', ...E]);
    assert.equal(gone.code, 255);
  });
});
