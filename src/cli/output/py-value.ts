/**
 * The value model of CLI output, and Python's way of printing it. The AWS CLI v1 formats
 * responses with Python's json/str/repr, so byte-identical output needs Python's float repr
 * (`1795807570.95`, `1e+16`, `1.0`), `True`/`None` in text output, and `['a', 'b']` in messages.
 *
 * Owns: PyFloat, the `Json` value type, py str()/repr(). Must not know: HTTP, the model, formats.
 */

/**
 * A JSON number that Python would hold as a float although its value is integral: `5.0` or
 * `1.7354429E9` on the wire. Python prints it as `5.0`; a plain JS number would print `5`.
 * Non-integral numbers need no marker (they can only be floats). It extends Number so that
 * jmespath (which types values by Object.prototype.toString) still sees a number.
 */
export class PyFloat extends Number {}

export type Json = null | boolean | number | PyFloat | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Number);
}

export function isScalar(v: unknown): boolean {
  return !Array.isArray(v) && !isJsonObject(v);
}

/** Python float.__repr__: shortest round-trip digits, exponent form outside 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, as repr does.
  const [mantissa, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exp - digits.length + 1)}.0`;
    if (exp >= 0) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** How Python prints a number that came from JSON (int stays int, float gets float repr). */
export function pyNumber(v: number | PyFloat): string {
  if (v instanceof PyFloat) return pyFloatRepr(v.valueOf());
  return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
}

/** Python str() of a value, as the text and table formatters print cells. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

/** Python repr() of a value (used inside str() of containers and in validation messages). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number' || v instanceof PyFloat) return pyNumber(v as number);
  if (typeof v === 'string') return pyStringRepr(v);
  if (v instanceof Date) return `datetime.datetime(${v.toISOString()})`;
  if (v instanceof Uint8Array) return `b'${Buffer.from(v).toString('latin1')}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as object)
      .map(([k, x]) => `${pyStringRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

/** Python's name for the type of a value, as botocore's validator prints it. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "<class 'NoneType'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (v instanceof PyFloat) return "<class 'float'>";
  if (typeof v === 'number') return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (Array.isArray(v)) return "<class 'list'>";
  if (v instanceof Date) return "<class 'datetime.datetime'>";
  return "<class 'dict'>";
}

/** Python's sorted() order for str keys (code point order). */
export function pyCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
