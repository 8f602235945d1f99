/**
 * Output formatting and argument parsing, in-process (fast): json/text/table output against
 * golden output produced by the AWS CLI v1's own formatter classes (fixtures/aws-formatter-gold.py),
 * Python float repr, Python-worded JSON errors, the shorthand parser, argparse emulation and
 * botocore's pagination tokens.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseArgs } from '../../src/cli/args/argv.js';
import { ShorthandParser } from '../../src/cli/args/shorthand.js';
import { parseTimestampMs } from '../../src/cli/args/timestamp.js';
import { unpackArgument } from '../../src/cli/args/unpack.js';
import { validateParams } from '../../src/cli/args/validate.js';
import { shapeOf, xformName } from '../../src/cli/model.js';
import { formatResponse } from '../../src/cli/output/formatter.js';
import { dumpPyJson, parsePyJson } from '../../src/cli/output/py-json.js';
import { pyFloatRepr } from '../../src/cli/output/py-value.js';
import { formatYaml } from '../../src/cli/output/yaml.js';
import { paginate } from '../../src/cli/paginate.js';
import { REPO } from './helpers/run-cli.js';

interface Gold {
  title: string;
  data: unknown;
  out: Record<'json' | 'text' | 'table' | 'table-color', string>;
}

const gold = readFileSync(`${REPO}test/cli/fixtures/aws-formatter-gold.json`, 'utf8');
// Parsed the Python way, so `2.0` stays a float as it was in the AWS CLI's input.
const cases = parsePyJson(gold) as unknown as Record<
  string,
  { title: string; data: unknown; out: Gold['out'] }
>;

describe('formatters match the AWS CLI v1 formatter output', () => {
  for (const [name, c] of Object.entries(cases)) {
    test(name, async () => {
      const opts = { query: undefined, terminalWidth: 80 };
      assert.equal(
        await formatResponse(c.title, c.data as object, { ...opts, output: 'json', color: false }),
        c.out.json,
      );
      assert.equal(
        await formatResponse(c.title, c.data as object, { ...opts, output: 'text', color: false }),
        c.out.text,
      );
      for (const [key, color] of [
        ['table', false],
        ['table-color', true],
      ] as const) {
        const expected = c.out[key];
        if (expected.startsWith('ERROR: ')) {
          await assert.rejects(
            formatResponse(c.title, c.data as object, { ...opts, output: 'table', color }),
            {
              message: expected.slice(7),
            },
          );
        } else {
          assert.equal(
            await formatResponse(c.title, c.data as object, { ...opts, output: 'table', color }),
            expected,
          );
        }
      }
    });
  }
});

test('Python float repr, JSON numbers kept as received, Python JSON error messages', () => {
  const cases: [number, string][] = [
    [1795807570.95, '1795807570.95'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [123456789012345.6, '123456789012345.6'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [2, '2.0'],
    [-0.5, '-0.5'],
    [1e22, '1e+22'],
  ];
  for (const [n, s] of cases) assert.equal(pyFloatRepr(n), s, `repr(${n})`);
  assert.equal(
    dumpPyJson(parsePyJson('{"a": 1.7354429E9, "b": 24, "c": 2.50, "d": [], "e": {}}')),
    ['{', '    "a": 1735442900.0,', '    "b": 24,', '    "c": 2.5,', '    "d": [],', '    "e": {}', '}'].join(
      '\n',
    ),
  );
  assert.throws(() => parsePyJson('{bad'), {
    message: 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)',
  });
  assert.throws(() => parsePyJson('{"a": 1 "b"}'), {
    message: "Expecting ',' delimiter: line 1 column 9 (char 8)",
  });
  assert.throws(() => parsePyJson('[1]\n x'), { message: 'Extra data: line 2 column 2 (char 5)' });
  assert.throws(() => parsePyJson(''), { message: 'Expecting value: line 1 column 1 (char 0)' });
  assert.equal(
    formatYaml(parsePyJson('{"A": [{"B": 2.0, "C": ""}], "D": null}')),
    "A:\n- B: 2.0\n  C: ''\nD: null\n",
  );
});

test('shorthand syntax as awscli/shorthand.py parses it', () => {
  const p = new ShorthandParser();
  assert.deepEqual(p.parse('StartSelectorType=FRAGMENT_NUMBER,AfterFragmentNumber=123'), {
    StartSelectorType: 'FRAGMENT_NUMBER',
    AfterFragmentNumber: '123',
  });
  assert.deepEqual(p.parse('a=b,c,d=e'), { a: ['b', 'c'], d: 'e' });
  assert.deepEqual(p.parse('a=[x,y],b={c=d,e=[f]}'), { a: ['x', 'y'], b: { c: 'd', e: ['f'] } });
  assert.deepEqual(p.parse('a=\'x,y\',b="q\\"r",c=x\\,y'), { a: 'x,y', b: 'q"r', c: 'x,y' });
  assert.deepEqual(p.parse('a = b , c = d'), { a: 'b', c: 'd' });
  assert.throws(() => p.parse('a'), { message: "Expected: '=', received: 'EOF' for input:\na\n ^" });
  assert.throws(() => p.parse('a=b,a=c'), /Second instance of key "a"/);

  // Model-aware conversion (BackCompatVisitor) and JSON/file forms, via the argument unpacker.
  const media = 'kinesis-video-media' as const;
  const selector = shapeOf(media, 'StartSelector');
  assert.deepEqual(unpackArgument(media, selector, 'StartSelectorType=NOW', '--start-selector'), {
    StartSelectorType: 'NOW',
  });
  assert.deepEqual(
    unpackArgument(media, selector, ' {"StartSelectorType": "EARLIEST"}', '--start-selector'),
    {
      StartSelectorType: 'EARLIEST',
    },
  );
  assert.throws(() => unpackArgument(media, selector, '{bad', '--start-selector'), {
    message:
      "Error parsing parameter '--start-selector': Invalid JSON: Expecting property name enclosed in double " +
      'quotes: line 1 column 2 (char 1)\nJSON received: {bad',
  });
  assert.throws(() => unpackArgument(media, selector, 'file:///nonexistent/x', '--start-selector'), {
    message:
      "Error parsing parameter '--start-selector': Unable to load paramfile file:///nonexistent/x: " +
      "[Errno 2] No such file or directory: '/nonexistent/x'",
  });
  const kv = 'kinesisvideo' as const;
  assert.deepEqual(unpackArgument(kv, shapeOf(kv, 'ResourceTags'), 'a=b,c=d', '--tags'), { a: 'b', c: 'd' });
  assert.equal(
    unpackArgument(kv, shapeOf(kv, 'DataRetentionInHours'), '24', '--data-retention-in-hours'),
    24,
  );
  assert.throws(
    () => unpackArgument(kv, shapeOf(kv, 'DataRetentionInHours'), 'x', '--data-retention-in-hours'),
    {
      message:
        "Error parsing parameter '--data-retention-in-hours': invalid literal for int() with base 10: 'x'",
    },
  );
});

test('botocore parameter validation messages', () => {
  const media = 'kinesis-video-media' as const;
  assert.throws(
    () => validateParams(media, shapeOf(media, 'GetMediaInput'), { StartSelector: { Bogus: 1 } }),
    {
      message: [
        'Parameter validation failed:',
        'Missing required parameter in StartSelector: "StartSelectorType"',
        'Unknown parameter in StartSelector: "Bogus", must be one of: StartSelectorType, AfterFragmentNumber, StartTimestamp, ContinuationToken',
      ].join('\n'),
    },
  );
  const kv = 'kinesisvideo' as const;
  assert.throws(() => validateParams(kv, shapeOf(kv, 'ListStreamsInput'), { MaxResults: 0, NextToken: 5 }), {
    message: [
      'Parameter validation failed:',
      'Invalid value for parameter MaxResults, value: 0, valid min value: 1',
      "Invalid type for parameter NextToken, value: 5, type: <class 'int'>, valid types: <class 'str'>",
    ].join('\n'),
  });
  assert.equal(parseTimestampMs('2024-01-02T03:04:05Z'), Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(parseTimestampMs('2024-01-02 03:04:05.5+01:00'), Date.UTC(2024, 0, 2, 2, 4, 5, 500));
  assert.equal(parseTimestampMs('1700000000.25'), 1700000000250);
  assert.equal(parseTimestampMs('yesterday'), undefined);
  assert.equal(xformName('StreamARN'), 'stream-arn');
  assert.equal(xformName('APIName'), 'api-name');
  assert.equal(xformName('DataRetentionChangeInHours'), 'data-retention-change-in-hours');
});

test('argparse emulation: prefixes, lists, positional slots, errors', () => {
  const specs = [
    { name: 'stream-name', kind: 'value' as const },
    { name: 'stream-arn', kind: 'value' as const },
    { name: 'fragments', kind: 'list' as const },
  ];
  const r = parseArgs(['out.mkv', '--stream-n', 's', '--fragments', '1', '2', '--x', 'y'], specs, [
    'outfile',
  ]);
  assert.equal(r.values.get('stream-name'), 's');
  assert.deepEqual(r.values.get('fragments'), ['1', '2']);
  assert.deepEqual(r.positionals, ['out.mkv']);
  assert.deepEqual(r.extras, ['--x', 'y']);
  assert.throws(() => parseArgs(['--stream', 'x'], specs), {
    message: 'ambiguous option: --stream could match --stream-name, --stream-arn',
  });
  assert.throws(() => parseArgs(['--stream-name'], specs), {
    message: 'argument --stream-name: expected one argument',
  });
  // `a b` after the outfile: the first fills the `help` slot, awscli then reports "b, a".
  const extra = parseArgs(['o', 'a', 'b'], specs, ['outfile']);
  assert.equal(extra.help, 'a');
  assert.deepEqual(extra.extras, ['b']);
});

test('pagination follows botocore: --max-items truncation and resume tokens', async () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  const config = {
    inputToken: 'NextToken',
    outputToken: 'NextToken',
    limitKey: 'MaxResults',
    resultKey: 'L',
  };
  const calls: Record<string, unknown>[] = [];
  const callPage = async (params: Record<string, unknown>): Promise<Record<string, unknown>> => {
    calls.push({ ...params });
    const start = Number(params.NextToken ?? 0);
    const size = Number(params.MaxResults ?? 2);
    const page: Record<string, unknown> = { L: items.slice(start, start + size) };
    if (start + size < items.length) page.NextToken = String(start + size);
    return page;
  };
  const first = await paginate(config, {}, { maxItems: 3 }, callPage);
  assert.deepEqual(
    first.pages.flatMap((p) => p.L as string[]),
    ['a', 'b', 'c'],
  );
  // The same token botocore produces for {"NextToken": "2", "boto_truncate_amount": 1}.
  assert.equal(
    Buffer.from(first.resumeToken!, 'base64').toString(),
    '{"NextToken": "2", "boto_truncate_amount": 1}',
  );
  const rest = await paginate(config, {}, { startingToken: first.resumeToken! }, callPage);
  assert.deepEqual(
    rest.pages.flatMap((p) => p.L as string[]),
    ['d', 'e'],
  );
  assert.equal(rest.resumeToken, undefined);
  calls.length = 0;
  await paginate(config, {}, { pageSize: 4 }, callPage);
  assert.deepEqual(calls, [{ MaxResults: 4 }, { MaxResults: 4, NextToken: '4' }]);
});
