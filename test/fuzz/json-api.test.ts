/**
 * Every JSON API (the generated `operations` table) under fuzzing over HTTP: random JSON values,
 * random bytes, deep nesting, and shape-aware bodies built from the operation's input shape with
 * values of the right and of wrong types, out-of-range numbers, odd strings and unknown members.
 * Every response must be the documented one: 200, or an error named in the operation's model
 * errors (or SerializationException), with the model's status and a `{"Message"}` body; an
 * operation kvideo does not implement answers 501 NotImplementedException. Never a 500, never a
 * hang (each request is bounded). Runs: KVIDEO_FUZZ_RUNS requests.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { actions } from '../../src/actions/index.js';
import { exceptionStatus, operations, shapes, type OperationName } from '../../src/api/index.js';
import type { ShapeDef, ShapeTable } from '../../src/api/model-types.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { postJson } from '../reliability/harness.js';
import { FUZZ_RUNS, fcOptions } from './mkv-arbitraries.js';

const REQUEST_DEADLINE_MS = 10_000;
const names = Object.keys(operations) as OperationName[];
const implemented = new Set(Object.keys(actions));

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** One request with a hard deadline; media responses (200 streams) are cut after the head. */
function send(
  endpoint: string,
  path: string,
  body: Uint8Array | string,
  contentType: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}${path}`,
      { method: 'POST', agent, headers: { 'content-type': contentType } },
      (res) => {
        if (res.statusCode === 200 && res.headers['content-type'] !== 'application/json') {
          clearTimeout(timer);
          res.destroy();
          resolve({ status: 200, headers: res.headers, body: '' });
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no complete response to ${path} within ${REQUEST_DEADLINE_MS} ms`)),
      REQUEST_DEADLINE_MS,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

const oddStrings = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'fz-1',
    'fz-2',
    '..',
    '../x',
    'a/b',
    '\u0000',
    'é',
    '😀'.repeat(300),
    'x'.repeat(5000),
    'NOW',
    'EARLIEST',
    '1e999',
    'null',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const oddNumbers = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e300, -1e300, Number.MAX_SAFE_INTEGER + 2),
);

/** Values for one shape: mostly of the right type, sometimes anything at all. */
function arbitraryFor(
  table: ShapeTable,
  shapeName: string,
  depth: number,
  arns: string[],
): fc.Arbitrary<unknown> {
  const def: ShapeDef | undefined = table[shapeName];
  const anything = fc.jsonValue({ maxDepth: 2 });
  if (!def || depth > 6) return anything;
  let typed: fc.Arbitrary<unknown>;
  switch (def.type) {
    case 'structure': {
      const members = Object.entries(def.members).filter(([, m]) => !m.location);
      const record = fc.record(
        Object.fromEntries(members.map(([m, d]) => [m, arbitraryFor(table, d.shape, depth + 1, arns)])),
        { requiredKeys: [] },
      );
      typed = fc
        .tuple(record, fc.dictionary(fc.string({ maxLength: 8 }), anything, { maxKeys: 2 }))
        .map(([known, extra]) => ({ ...extra, ...known }));
      break;
    }
    case 'string':
      typed = def.enum
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...def.enum) }, oddStrings)
        : /ARN|Arn/.test(shapeName)
          ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...arns) }, oddStrings)
          : /Name$/.test(shapeName)
            ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom('fz-1', 'fz-2') }, oddStrings)
            : oddStrings;
      break;
    case 'integer':
    case 'long':
      typed = fc.oneof(fc.integer({ min: (def.min ?? 0) - 2, max: (def.max ?? 100) + 2 }), oddNumbers);
      break;
    case 'double':
    case 'float':
      typed = oddNumbers;
      break;
    case 'boolean':
      typed = fc.boolean();
      break;
    case 'timestamp':
      typed = fc.oneof(
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.double(),
        fc.constantFrom('2024-01-01T00:00:00Z', -1, 1e20),
      );
      break;
    case 'list':
      typed = fc.array(arbitraryFor(table, def.member, depth + 1, arns), { maxLength: 4 });
      break;
    case 'map':
      typed = fc.dictionary(fc.string({ maxLength: 10 }), arbitraryFor(table, def.value, depth + 1, arns), {
        maxKeys: 4,
      });
      break;
    default:
      typed = fc.string({ maxLength: 20 });
  }
  return fc.oneof({ weight: 12, arbitrary: typed }, { weight: 1, arbitrary: anything });
}

function deep(n: number, open: string, close: string, inner = '1'): string {
  return `{"StreamName":${open.repeat(n)}${inner}${close.repeat(n)}}`;
}

function bodyFor(
  operation: OperationName,
  arns: string[],
): fc.Arbitrary<{ body: Uint8Array | string; contentType: string }> {
  const def = operations[operation];
  const json = (a: fc.Arbitrary<unknown>) =>
    a.map((v) => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' }));
  const shaped = def.input
    ? json(arbitraryFor(shapes[def.service], def.input, 0, arns))
    : json(fc.constant({}));
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 1, arbitrary: json(fc.jsonValue()) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 256 }).map((b) => ({ body: b, contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}']))
        .map(([n, [open, close]]) => ({ body: deep(n, open!, close!), contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { body: '{"StreamName":"fz-1"', contentType: 'application/json' },
        { body: '{"StreamName":"fz-1"}', contentType: 'text/plain' },
        { body: '\ufeff{}', contentType: 'application/json' },
        { body: '{"__proto__":{"StreamName":"x"},"StreamName":"fz-1"}', contentType: 'application/json' },
        { body: '{"constructor":{"prototype":{"polluted":1}}}', contentType: 'application/json' },
        { body: '{"StreamName":"fz-1","StreamName":"fz-2"}', contentType: 'application/json' },
        { body: '1e999999', contentType: 'application/json' },
        { body: '"\\ud800"', contentType: 'application/json' },
      ),
    },
  );
}

function checkReply(operation: OperationName, reply: Reply): string {
  assert.ok(reply.status < 500 || reply.status === 501, `${operation}: ${reply.status} ${reply.body}`);
  if (reply.status === 200) {
    if (reply.body !== '') assert.equal(typeof JSON.parse(reply.body), 'object');
    return 'OK';
  }
  const type = reply.headers['x-amzn-errortype'] as string | undefined;
  assert.ok(type, `${operation}: error without x-amzn-ErrorType (${reply.status})`);
  const message = (JSON.parse(reply.body) as { Message?: unknown }).Message;
  assert.equal(typeof message, 'string', `${operation}: error body ${reply.body}`);
  if (reply.status === 501) {
    assert.equal(type, 'NotImplementedException');
    assert.ok(!implemented.has(operation), `${operation} is implemented but answered 501`);
    return type;
  }
  const allowed = new Set<string>([...operations[operation].errors, 'SerializationException']);
  assert.ok(allowed.has(type), `${operation}: ${type} is not among its documented errors (${reply.body})`);
  // SerializationException: 400, or 413 for a body above the 1 MiB limit.
  const statuses = type === 'SerializationException' ? [400, 413] : [exceptionStatus[type]];
  assert.ok(statuses.includes(reply.status), `${operation}: status ${reply.status} of ${type}`);
  return type;
}

describe('JSON API fuzzing', () => {
  let srv: TestServer;
  const arns: string[] = [];
  before(async () => {
    srv = await startServer({
      limits: { getMediaCallsPerSecond: 1_000_000, putMediaCallsPerSecond: 1_000_000 },
    });
    for (const name of ['fz-1', 'fz-2']) {
      const res = await postJson(srv.endpoint, '/createStream', {
        StreamName: name,
        DataRetentionInHours: 1,
      });
      arns.push(res.body.StreamARN as string);
    }
    arns.push(
      'arn:aws:kinesisvideo:us-west-2:000000000000:stream/fz-1/1',
      'arn:aws:kinesisvideo:us-west-2:000000000000:stream/../1',
      'arn:::',
    );
  });
  after(async () => {
    agent.destroy();
    await srv.close();
  });

  test(`random and malformed bodies on every operation get documented answers (${FUZZ_RUNS} requests)`, async () => {
    const outcomes = new Map<string, number>();
    // Printed short in counterexamples: a deep-nesting body is hundreds of KB.
    // Implemented operations get most of the runs; the rest must answer 501 every time.
    const operation = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...names.filter((n) => implemented.has(n))) },
      { weight: 1, arbitrary: fc.constantFrom(...names.filter((n) => !implemented.has(n))) },
    );
    const request = operation.chain((op) =>
      bodyFor(op, arns).map((b) => ({
        op,
        ...b,
        [fc.toStringMethod]: () =>
          `${op} (${b.contentType}, ${b.body.length} bytes): ${String(Buffer.from(b.body).subarray(0, 200))}`,
      })),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ op, body, contentType }) => {
        const reply = await send(srv.endpoint, operations[op].path, body, contentType);
        const outcome = checkReply(op, reply);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      fcOptions(FUZZ_RUNS),
    );
    const summary = [...outcomes.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    process.stdout.write(`# json fuzz: ${FUZZ_RUNS} requests over ${names.length} operations: ${summary}\n`);
    // The server is still fine.
    assert.equal((await postJson(srv.endpoint, '/listStreams', {})).status, 200);
  });
});
