/**
 * JSON read and written the way Python's json module does it, because the AWS CLI v1 is Python:
 * parsing keeps "float-ness" of integral numbers (`5.0` stays a float, see PyFloat) and reports
 * errors in Python's words (`Expecting ',' delimiter: line 1 column 9 (char 8)`); dumping uses
 * `json.dump(indent=4, ensure_ascii=False)` layout with Python's float repr.
 *
 * Used for service responses (so output is byte-identical to the AWS CLI's) and for JSON
 * parameter values (so `--start-selector '{...}'` errors read like the AWS CLI's).
 */
import { PyFloat, pyNumber, type Json, type JsonObject } from './py-value.js';

export class PyJsonError extends Error {
  constructor(msg: string, doc: string, pos: number) {
    const lineno = doc.slice(0, pos).split('\n').length;
    const colno = pos - doc.lastIndexOf('\n', pos - 1);
    super(`${msg}: line ${lineno} column ${colno} (char ${pos})`);
  }
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const WS_RE = /[ \t\n\r]*/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** json.loads(): throws PyJsonError with Python's message. */
export function parsePyJson(doc: string): Json {
  let pos = 0;
  const ws = (): void => {
    WS_RE.lastIndex = pos;
    WS_RE.exec(doc);
    pos = WS_RE.lastIndex;
  };
  const fail = (msg: string, at = pos): never => {
    throw new PyJsonError(msg, doc, at);
  };

  const parseString = (): string => {
    const start = pos - 1;
    let out = '';
    for (;;) {
      if (pos >= doc.length) fail('Unterminated string starting at', start);
      const ch = doc[pos]!;
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === '\\') {
        const esc = doc[pos + 1];
        if (esc === undefined) fail('Unterminated string starting at', start);
        if (esc === 'u') {
          const hex = doc.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape', pos + 1);
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
          continue;
        }
        const mapped = ESCAPES[esc!];
        if (mapped === undefined) fail('Invalid \\escape', pos);
        out += mapped;
        pos += 2;
        continue;
      }
      if (ch < ' ') fail('Invalid control character at', pos);
      out += ch;
      pos++;
    }
  };

  const parseValue = (): Json => {
    const ch = doc[pos];
    if (ch === '"') {
      pos++;
      return parseString();
    }
    if (ch === '{') return parseObject();
    if (ch === '[') return parseArray();
    for (const [word, value] of [
      ['null', null],
      ['true', true],
      ['false', false],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const) {
      if (doc.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    NUMBER_RE.lastIndex = pos;
    const m = NUMBER_RE.exec(doc);
    if (!m) return fail('Expecting value');
    pos = NUMBER_RE.lastIndex;
    const n = Number(m[0]);
    if ((m[1] !== undefined || m[2] !== undefined) && Number.isInteger(n)) return new PyFloat(n);
    return n;
  };

  const parseObject = (): JsonObject => {
    pos++;
    const obj: JsonObject = {};
    ws();
    if (doc[pos] === '}') {
      pos++;
      return obj;
    }
    for (;;) {
      if (doc[pos] !== '"') fail('Expecting property name enclosed in double quotes');
      pos++;
      const key = parseString();
      ws();
      if (doc[pos] !== ':') fail("Expecting ':' delimiter");
      pos++;
      ws();
      obj[key] = parseValue();
      ws();
      if (doc[pos] === '}') {
        pos++;
        return obj;
      }
      if (doc[pos] !== ',') fail("Expecting ',' delimiter");
      pos++;
      ws();
    }
  };

  const parseArray = (): Json[] => {
    pos++;
    const arr: Json[] = [];
    ws();
    if (doc[pos] === ']') {
      pos++;
      return arr;
    }
    for (;;) {
      arr.push(parseValue());
      ws();
      if (doc[pos] === ']') {
        pos++;
        return arr;
      }
      if (doc[pos] !== ',') fail("Expecting ',' delimiter");
      pos++;
      ws();
    }
  };

  ws();
  const value = parseValue();
  ws();
  if (pos !== doc.length) fail('Extra data');
  return value;
}

/** json.dump(value, indent=4, ensure_ascii=False) without the trailing newline. */
export function dumpPyJson(value: unknown, indent = 4): string {
  const out: string[] = [];
  const write = (v: unknown, level: number): void => {
    if (v === null || v === undefined) out.push('null');
    else if (v === true || v === false) out.push(String(v));
    else if (typeof v === 'number' || v instanceof PyFloat) out.push(pyNumber(v as number));
    else if (typeof v === 'string') out.push(JSON.stringify(v));
    else if (v instanceof Date) out.push(JSON.stringify(v.toISOString()));
    else if (Array.isArray(v)) {
      if (v.length === 0) return void out.push('[]');
      const pad = ' '.repeat(indent * (level + 1));
      out.push('[\n');
      v.forEach((item, i) => {
        out.push(pad);
        write(item, level + 1);
        out.push(i < v.length - 1 ? ',\n' : '\n');
      });
      out.push(`${' '.repeat(indent * level)}]`);
    } else {
      const entries = Object.entries(v as object);
      if (entries.length === 0) return void out.push('{}');
      const pad = ' '.repeat(indent * (level + 1));
      out.push('{\n');
      entries.forEach(([k, item], i) => {
        out.push(`${pad}${JSON.stringify(k)}: `);
        write(item, level + 1);
        out.push(i < entries.length - 1 ? ',\n' : '\n');
      });
      out.push(`${' '.repeat(indent * level)}}`);
    }
  };
  write(value, 0);
  return out.join('');
}

/** json.dumps(value) with default separators and ensure_ascii=True (botocore's pagination tokens). */
export function dumpsPyJsonCompact(value: unknown): string {
  const ascii = (s: string): string =>
    JSON.stringify(s).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' || value instanceof PyFloat) return pyNumber(value as number);
  if (typeof value === 'string') return ascii(value);
  if (Array.isArray(value)) return `[${value.map(dumpsPyJsonCompact).join(', ')}]`;
  return `{${Object.entries(value as object)
    .map(([k, v]) => `${ascii(k)}: ${dumpsPyJsonCompact(v)}`)
    .join(', ')}}`;
}
