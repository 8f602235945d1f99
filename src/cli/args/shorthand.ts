/**
 * The AWS CLI shorthand syntax (`StartSelectorType=FRAGMENT_NUMBER,AfterFragmentNumber=123`,
 * `a=b,c=d`, `Key=k,Value=v`, `[x,y]`, `{k=v}`), ported from awscli/shorthand.py: the
 * grammar-level ShorthandParser and the model-aware BackCompatVisitor (a scalar where the model
 * wants a list becomes a one-item list; numbers and booleans are converted per the model).
 * `key@=file://path` reads a file, as in the AWS CLI.
 */
import { readParamFile } from './paramfile.js';
import { shapeOf, type ServiceName, type ShapeDef } from '../model.js';

export type ShorthandValue = string | ShorthandValue[] | { [k: string]: ShorthandValue };

export class ShorthandParseError extends Error {}

function errorLocation(value: string, index: number): string {
  let consumed = value;
  let remaining = '';
  let numSpaces = index;
  if (value.slice(0, index).includes('\n')) numSpaces = index - value.lastIndexOf('\n', index - 1) - 1;
  const nextNewline = value.indexOf('\n', index);
  if (nextNewline >= 0) {
    consumed = value.slice(0, nextNewline);
    remaining = value.slice(nextNewline);
  }
  return `${consumed}\n${' '.repeat(numSpaces)}^${remaining}`;
}

class SyntaxErr extends ShorthandParseError {
  constructor(value: string, expected: string, actual: string, index: number) {
    // awscli 1.45's f-string forgets to interpolate the location; we print it as intended.
    super(`Expected: '${expected}', received: '${actual}' for input:\n${errorLocation(value, index)}`);
  }
}

// Character classes of awscli's _START_WORD, _FIRST_FOLLOW_CHARS and _SECOND_FOLLOW_CHARS.
const START_WORD = '!#-&(-+\\--<>-Z\\\\-z|-\\uffff';
const FIRST_FOLLOW = '\\s!#-&(-+\\--\\\\^-|~-\\uffff';
const SECOND_FOLLOW = '\\s!#-&(-+\\--<>-\\uffff';
const FIRST_VALUE = new RegExp(`(?:\\\\,|[${START_WORD}])(?:\\\\,|[${FIRST_FOLLOW}])*`, 'uy');
const SECOND_VALUE = new RegExp(`(?:\\\\,|[${START_WORD}])(?:\\\\,|[${SECOND_FOLLOW}])*`, 'uy');
const SINGLE_QUOTED = /'(?:\\'|[^'])*'/y;
const DOUBLE_QUOTED = /"(?:\\"|[^"])*"/y;
const KEY_CHARS = /[A-Za-z0-9\-_.#/:]/;
const WHITESPACE = ' \t\n\r\x0b\x0c';

export class ShorthandParser {
  #input = '';
  #index = 0;
  #resolveFiles = false;

  parse(value: string): { [k: string]: ShorthandValue } {
    this.#input = value;
    this.#index = 0;
    this.#resolveFiles = false;
    return this.#parameter();
  }

  #parameter(): { [k: string]: ShorthandValue } {
    const params: { [k: string]: ShorthandValue } = {};
    let [key, val] = this.#keyval();
    params[key] = val;
    let lastIndex = this.#index;
    while (this.#index < this.#input.length) {
      this.#expect(',', true);
      [key, val] = this.#keyval();
      if (key in params) {
        throw new ShorthandParseError(
          `Second instance of key "${key}" encountered for input:\n${errorLocation(this.#input, lastIndex + 1)}\n` +
            'This is often because there is a preceding "," instead of a space.',
        );
      }
      params[key] = val;
      lastIndex = this.#index;
    }
    return params;
  }

  #keyval(): [string, ShorthandValue] {
    const key = this.#key();
    this.#resolveFiles = this.#tryExpect('@');
    this.#expect('=', true);
    return [key, this.#values()];
  }

  #key(): string {
    const start = this.#index;
    while (!this.#eof() && KEY_CHARS.test(this.#current())) this.#index++;
    return this.#input.slice(start, this.#index);
  }

  #values(): ShorthandValue {
    if (this.#eof()) return '';
    if (this.#current() === '[') return this.#explicitList();
    if (this.#current() === '{') return this.#hashLiteral();
    return this.#csvValue();
  }

  #csvValue(): ShorthandValue {
    const first = this.#firstValue();
    this.#ws();
    if (this.#eof() || this.#input[this.#index] !== ',') return first;
    this.#expect(',', true);
    const list: string[] = [first];
    for (;;) {
      try {
        const current = this.#secondValue();
        this.#ws();
        if (this.#eof()) {
          list.push(current);
          break;
        }
        this.#expect(',', true);
        list.push(current);
      } catch (err) {
        // `a=b,c=d`: the second "value" was the next key; back up to the comma before it.
        if (!(err instanceof SyntaxErr) || this.#eof()) throw err;
        while (this.#index >= 0 && this.#input[this.#index] !== ',') this.#index--;
        break;
      }
    }
    return list.length === 1 ? first : list;
  }

  #explicitList(): ShorthandValue[] {
    this.#expect('[', true);
    const values: ShorthandValue[] = [];
    while (this.#current() !== ']') {
      values.push(this.#explicitValues());
      this.#ws();
      if (this.#current() !== ']') {
        this.#expect(',');
        this.#ws();
      }
    }
    this.#expect(']');
    return values;
  }

  #explicitValues(): ShorthandValue {
    if (this.#current() === '[') return this.#explicitList();
    if (this.#current() === '{') return this.#hashLiteral();
    return this.#firstValue();
  }

  #hashLiteral(): { [k: string]: ShorthandValue } {
    this.#expect('{', true);
    const out: { [k: string]: ShorthandValue } = {};
    while (this.#current() !== '}') {
      const key = this.#key();
      this.#resolveFiles = this.#tryExpect('@');
      this.#expect('=', true);
      const v = this.#explicitValues();
      this.#ws();
      if (this.#current() !== '}') {
        this.#expect(',');
        this.#ws();
      }
      out[key] = v;
    }
    this.#expect('}');
    return out;
  }

  #firstValue(): string {
    if (this.#current() === "'") return this.#quoted(SINGLE_QUOTED, "'");
    if (this.#current() === '"') return this.#quoted(DOUBLE_QUOTED, '"');
    FIRST_VALUE.lastIndex = this.#index;
    const m = FIRST_VALUE.exec(this.#input);
    if (!m) return '';
    this.#index += m[0].length;
    return this.#file(m[0].replaceAll('\\,', ',').trimEnd());
  }

  #secondValue(): string {
    if (this.#current() === "'") return this.#quoted(SINGLE_QUOTED, "'");
    if (this.#current() === '"') return this.#quoted(DOUBLE_QUOTED, '"');
    return this.#file(this.#mustConsume(SECOND_VALUE, 'second').replaceAll('\\,', ',').trimEnd());
  }

  #quoted(regex: RegExp, quote: string): string {
    const raw = this.#mustConsume(regex, quote === "'" ? 'singled quoted' : 'double quoted');
    return this.#file(raw.slice(1, -1).replaceAll(`\\${quote}`, quote).replaceAll('\\\\', '\\'));
  }

  #file(value: string): string {
    if (!this.#resolveFiles) return value;
    const content = readParamFile(value);
    return content === undefined ? value : typeof content === 'string' ? content : content.toString('latin1');
  }

  #mustConsume(regex: RegExp, name: string): string {
    regex.lastIndex = this.#index;
    const m = regex.exec(this.#input);
    if (!m) throw new SyntaxErr(this.#input, `<${name}>`, '<none>', this.#index);
    this.#index += m[0].length;
    return m[0];
  }

  #tryExpect(ch: string): boolean {
    const saved = this.#index;
    try {
      this.#expect(ch, true);
      return true;
    } catch {
      this.#index = saved;
      return false;
    }
  }

  #expect(ch: string, consumeWhitespace = false): void {
    if (consumeWhitespace) this.#ws();
    if (this.#index >= this.#input.length) throw new SyntaxErr(this.#input, ch, 'EOF', this.#index);
    const actual = this.#input[this.#index]!;
    if (actual !== ch) throw new SyntaxErr(this.#input, ch, actual, this.#index);
    this.#index++;
    if (consumeWhitespace) this.#ws();
  }

  #current(): string {
    return this.#input[this.#index] ?? '';
  }

  #eof(): boolean {
    return this.#index >= this.#input.length;
  }

  #ws(): void {
    while (!this.#eof() && WHITESPACE.includes(this.#current())) this.#index++;
  }
}

/**
 * awscli BackCompatVisitor: walks the parsed value with the model, wrapping scalars given for
 * lists and converting integer/double/boolean strings. Throws plain Errors with Python's
 * messages (`invalid literal for int() with base 10: 'x'`) for the caller to attribute.
 */
export function applyShorthandModel(service: ServiceName, shape: ShapeDef, value: unknown): unknown {
  return visit(service, shape, value);
}

function visit(service: ServiceName, shape: ShapeDef, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const obj = value as Record<string, unknown>;
      for (const [name, m] of Object.entries(shape.members)) {
        if (name in obj) obj[name] = visit(service, shapeOf(service, m.shape), obj[name]);
      }
      return obj;
    }
    case 'list':
      if (!Array.isArray(value)) return [value];
      return value.map((v) => visit(service, shapeOf(service, shape.member), v));
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const obj = value as Record<string, unknown>;
      const valueShape = shapeOf(service, shape.value);
      for (const k of Object.keys(obj)) obj[k] = visit(service, valueShape, obj[k]);
      return obj;
    }
    case 'integer':
    case 'long':
      return typeof value === 'string' ? pyInt(value) : value;
    case 'double':
    case 'float':
      return typeof value === 'string' ? pyFloat(value) : value;
    case 'boolean':
      if (typeof value !== 'string') return value;
      if (value.toLowerCase() === 'true') return true;
      if (value.toLowerCase() === 'false') return false;
      return value;
    default:
      return value;
  }
}

/** Python int(str): optional sign, digits and underscores between digits, surrounding spaces. */
export function pyInt(s: string): number {
  const t = s.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) throw new Error(`invalid literal for int() with base 10: '${s}'`);
  return Number(t.replaceAll('_', ''));
}

export function pyFloat(s: string): number {
  const t = s.trim();
  if (!/^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i.test(t)) {
    throw new Error(`could not convert string to float: '${s}'`);
  }
  return Number(t.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity').replace(/^[+-]?nan$/i, 'NaN'));
}
