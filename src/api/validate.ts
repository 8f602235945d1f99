/**
 * Table-driven request validation against the generated botocore shapes (design.md §4).
 * Type errors become SerializationException; constraint failures become one
 * InvalidArgumentException listing every failure in the AWS (Coral) wording:
 * "2 validation errors detected: Value 'a b' at 'streamName' failed to satisfy constraint: ...".
 * KVS models have no ValidationException, so constraint failures use InvalidArgumentException
 * (spec §1.5). Knows nothing about HTTP or individual operations; per-operation rules live in
 * the actions.
 */
import { KvsError } from '../core/errors.js';
import type { ShapeDef, ShapeTable } from './model-types.js';

const regexCache = new Map<string, RegExp>();

function compilePattern(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    // botocore patterns are Java regexes matched against the whole value.
    const body = pattern.replace(/^\^/, '').replace(/\$$/, '');
    try {
      re = new RegExp(`^(?:${body})$`, 'u');
    } catch {
      re = new RegExp(`^(?:${body})$`);
    }
    regexCache.set(pattern, re);
  }
  return re;
}

/** AWS paths name members in lowerCamel case: StartSelector.StartSelectorType → startSelector.startSelectorType. */
const lowerCamel = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

function render(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `'${value}'`;
  return `'${JSON.stringify(value)}'`;
}

class Collector {
  readonly failures: string[] = [];
  add(value: unknown, path: string, constraint: string): void {
    this.failures.push(
      `Value ${render(value)} at '${path}' failed to satisfy constraint: Member must ${constraint}`,
    );
  }
}

function serialization(path: string, expected: string): KvsError {
  return new KvsError('SerializationException', `Expected ${expected} at '${path}'`, 400);
}

function checkLength(
  value: unknown,
  length: number,
  def: { min?: number; max?: number },
  path: string,
  out: Collector,
): void {
  if (def.max !== undefined && length > def.max) {
    out.add(value, path, `have length less than or equal to ${def.max}`);
  }
  if (def.min !== undefined && length < def.min) {
    out.add(value, path, `have length greater than or equal to ${def.min}`);
  }
}

function walk(shapes: ShapeTable, shapeName: string, value: unknown, path: string, out: Collector): void {
  const def: ShapeDef | undefined = shapes[shapeName];
  if (!def) throw new Error(`unknown shape ${shapeName}`);
  switch (def.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw serialization(path || 'request', 'an object');
      }
      const record = value as Record<string, unknown>;
      for (const [member, memberDef] of Object.entries(def.members)) {
        if (memberDef.location) continue; // header/query members are not in the JSON body
        const memberPath = path ? `${path}.${lowerCamel(member)}` : lowerCamel(member);
        const memberValue = record[member];
        if (memberValue === undefined || memberValue === null) {
          if (def.required?.includes(member)) out.add(null, memberPath, 'not be null');
          continue;
        }
        walk(shapes, memberDef.shape, memberValue, memberPath, out);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') throw serialization(path, 'a string');
      if (def.enum && !def.enum.includes(value)) {
        out.add(value, path, `satisfy enum value set: [${def.enum.join(', ')}]`);
        return;
      }
      checkLength(value, [...value].length, def, path, out);
      if (def.pattern && !compilePattern(def.pattern).test(value)) {
        out.add(value, path, `satisfy regular expression pattern: ${def.pattern}`);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw serialization(path, 'a number');
      if ((def.type === 'integer' || def.type === 'long') && !Number.isInteger(value)) {
        throw serialization(path, 'an integer');
      }
      if (def.max !== undefined && value > def.max) {
        out.add(value, path, `have value less than or equal to ${def.max}`);
      }
      if (def.min !== undefined && value < def.min) {
        out.add(value, path, `have value greater than or equal to ${def.min}`);
      }
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw serialization(path, 'a boolean');
      return;
    case 'timestamp':
      // botocore sends integer epoch seconds, other SDKs fractional ones (spec §1.3).
      if (typeof value !== 'number' || !Number.isFinite(value)) throw serialization(path, 'a timestamp');
      return;
    case 'list': {
      if (!Array.isArray(value)) throw serialization(path, 'a list');
      checkLength(value, value.length, def, path, out);
      value.forEach((item, i) => walk(shapes, def.member, item, `${path}.${i + 1}.member`, out));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw serialization(path, 'a map');
      }
      const entries = Object.entries(value as Record<string, unknown>);
      checkLength(value, entries.length, def, path, out);
      for (const [k, v] of entries) {
        walk(shapes, def.key, k, `${path}.key`, out);
        walk(shapes, def.value, v, `${path}.${k}.value`, out);
      }
      return;
    }
    case 'blob':
      return;
  }
}

/**
 * Validates `input` against `shapeName`; returns it typed as T when it conforms, throws the
 * KvsError AWS would send otherwise.
 */
export function validateInput<T>(shapes: ShapeTable, shapeName: string, input: unknown): T {
  const out = new Collector();
  walk(shapes, shapeName, input, '', out);
  const n = out.failures.length;
  if (n > 0) {
    const noun = n === 1 ? 'validation error' : 'validation errors';
    throw new KvsError('InvalidArgumentException', `${n} ${noun} detected: ${out.failures.join('; ')}`, 400);
  }
  return input as T;
}
