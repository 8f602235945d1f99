/**
 * Client-side parameter validation as botocore's ParamValidator does it before sending: required
 * members, unknown members, Python types, and minimum lengths and values (not maximums, patterns
 * or enums: those are the service's job, so InvalidArgumentException comes from the server as
 * with the AWS CLI). Failures are reported together, in botocore's words:
 *
 *   Parameter validation failed:
 *   Invalid value for parameter MaxResults, value: 0, valid min value: 1
 *
 * Then converts the validated value to what the AWS SDK expects (timestamps as Date).
 */
import { CliError } from '../errors.js';
import { shapeOf, type ServiceName, type ShapeDef } from '../model.js';
import { isJsonObject, PyFloat, pyStr, pyTypeName } from '../output/py-value.js';
import { parseTimestampMs } from './timestamp.js';

const TYPES = {
  str: "<class 'str'>",
  int: "<class 'int'>",
  float: "<class 'float'>",
  decimal: "<class 'decimal.Decimal'>",
  bool: "<class 'bool'>",
  list: "<class 'list'>",
  tuple: "<class 'tuple'>",
  dict: "<class 'dict'>",
  bytes: "<class 'bytes'>",
  bytearray: "<class 'bytearray'>",
  datetime: "<class 'datetime.datetime'>",
};

function label(name: string): string {
  const n = name.startsWith('.') ? name.slice(1) : name;
  return n === '' ? 'input' : n;
}

function isInt(v: unknown): boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'boolean';
}

export function validateParams(service: ServiceName, shape: ShapeDef, params: unknown): void {
  const errors: string[] = [];
  const invalidType = (name: string, v: unknown, valid: string[]): void => {
    errors.push(
      `Invalid type for parameter ${label(name)}, value: ${pyStr(v)}, type: ${pyTypeName(v)}, valid types: ${valid.join(', ')}`,
    );
  };
  const rangeCheck = (
    name: string,
    value: number,
    min: number | undefined,
    kind: 'value' | 'length',
  ): void => {
    if (min !== undefined && value < min) {
      errors.push(`Invalid ${kind} for parameter ${label(name)}, value: ${value}, valid min ${kind}: ${min}`);
    }
  };

  const walk = (v: unknown, s: ShapeDef, name: string): void => {
    switch (s.type) {
      case 'structure': {
        if (!isJsonObject(v)) return invalidType(name, v, [TYPES.dict]);
        for (const req of s.required ?? []) {
          if (!(req in v)) errors.push(`Missing required parameter in ${label(name)}: "${req}"`);
        }
        for (const [k, x] of Object.entries(v)) {
          const member = s.members[k];
          if (!member) {
            errors.push(
              `Unknown parameter in ${label(name)}: "${k}", must be one of: ${Object.keys(s.members).join(', ')}`,
            );
          } else {
            walk(x, shapeOf(service, member.shape), `${name}.${k}`);
          }
        }
        return;
      }
      case 'list':
        if (!Array.isArray(v)) return invalidType(name, v, [TYPES.list, TYPES.tuple]);
        rangeCheck(name, v.length, s.min, 'length');
        v.forEach((x, i) => walk(x, shapeOf(service, s.member), `${name}[${i}]`));
        return;
      case 'map': {
        if (!isJsonObject(v)) return invalidType(name, v, [TYPES.dict]);
        const keyShape = shapeOf(service, s.key);
        const valueShape = shapeOf(service, s.value);
        for (const [k, x] of Object.entries(v)) {
          walk(k, keyShape, `${name} (key: ${k})`);
          walk(x, valueShape, `${name}.${k}`);
        }
        return;
      }
      case 'string':
        if (typeof v !== 'string') return invalidType(name, v, [TYPES.str]);
        rangeCheck(name, v.length, s.min, 'length');
        return;
      case 'integer':
      case 'long':
        if (!isInt(v)) return invalidType(name, v, [TYPES.int]);
        rangeCheck(name, Number(v), s.min, 'value');
        return;
      case 'float':
      case 'double':
        if (typeof v !== 'number' && !(v instanceof PyFloat) && typeof v !== 'boolean') {
          return invalidType(name, v, [TYPES.float, TYPES.decimal, TYPES.int]);
        }
        rangeCheck(name, Number(v), s.min, 'value');
        return;
      case 'boolean':
        if (typeof v !== 'boolean') invalidType(name, v, [TYPES.bool]);
        return;
      case 'timestamp':
        if (parseTimestampMs(v) === undefined) invalidType(name, v, [TYPES.datetime, 'timestamp-string']);
        return;
      case 'blob':
        if (typeof v !== 'string' && !(v instanceof Uint8Array)) {
          invalidType(name, v, [TYPES.bytes, TYPES.bytearray, 'file-like object']);
        }
        return;
    }
  };
  walk(params, shape, '');
  if (errors.length > 0) throw new CliError(`Parameter validation failed:\n${errors.join('\n')}`);
}

/** The validated value in the AWS SDK's input types (Date for timestamps, plain numbers). */
export function toSdkInput(service: ServiceName, shape: ShapeDef, v: unknown): unknown {
  if (v === undefined || v === null) return v;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as object)) {
        const member = shape.members[k];
        out[k] = member ? toSdkInput(service, shapeOf(service, member.shape), x) : x;
      }
      return out;
    }
    case 'list':
      return (v as unknown[]).map((x) => toSdkInput(service, shapeOf(service, shape.member), x));
    case 'map': {
      const valueShape = shapeOf(service, shape.value);
      return Object.fromEntries(
        Object.entries(v as object).map(([k, x]) => [k, toSdkInput(service, valueShape, x)]),
      );
    }
    case 'timestamp':
      return new Date(parseTimestampMs(v)!);
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return Number(v);
    default:
      return v;
  }
}
