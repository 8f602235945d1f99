/**
 * From a command-line string to a parameter value, as awscli/argprocess.py does it: `file://`
 * and `fileb://` are read first; structures, maps and lists of structures take shorthand syntax
 * unless the value starts with `{` or `[` (then JSON); scalars are converted per the model
 * (`int()`, `float()`, booleans). Errors name the argument: `Error parsing parameter '--x': ...`.
 */
import { ParamError } from '../errors.js';
import { shapeOf, type ServiceName, type ShapeDef } from '../model.js';
import { parsePyJson } from '../output/py-json.js';
import { ParamFileError, readParamFile } from './paramfile.js';
import { applyShorthandModel, pyFloat, pyInt, ShorthandParseError, ShorthandParser } from './shorthand.js';

const COMPLEX = new Set(['structure', 'list', 'map']);

function supportsShorthand(service: ServiceName, shape: ShapeDef): boolean {
  if (!COMPLEX.has(shape.type)) return false;
  return shape.type !== 'list' || COMPLEX.has(shapeOf(service, shape.member).type);
}

function parseJson(cliName: string, text: string): unknown {
  try {
    return parsePyJson(text);
  } catch (err) {
    throw new ParamError(cliName, `Invalid JSON: ${(err as Error).message}\nJSON received: ${text}`);
  }
}

function unpackScalar(shape: ShapeDef, value: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long':
      return pyInt(value);
    case 'float':
    case 'double':
      return pyFloat(value);
    case 'boolean':
      return value.toLowerCase() === 'false' ? false : value !== '';
    default:
      return value;
  }
}

function unpackComplex(
  service: ServiceName,
  shape: ShapeDef,
  value: string | string[],
  cliName: string,
): unknown {
  if (shape.type === 'structure' || shape.type === 'map') {
    const text = Array.isArray(value) ? (value[0] ?? '') : value;
    if (text.trimStart().startsWith('{')) return parseJson(cliName, text);
    throw new ParamError(cliName, `Invalid JSON:\n${text}`);
  }
  if (shape.type === 'list') {
    if (typeof value === 'string') {
      if (value.trimStart().startsWith('[')) return parseJson(cliName, value);
      value = [value];
    } else if (value.length === 1 && value[0]!.trim().startsWith('[')) {
      return parseJson(cliName, value[0]!);
    }
    const member = shapeOf(service, shape.member);
    return value.map((v) => unpackValue(service, member, v, cliName));
  }
  return value;
}

function unpackValue(
  service: ServiceName,
  shape: ShapeDef,
  value: string | string[],
  cliName: string,
): unknown {
  if (COMPLEX.has(shape.type)) return unpackComplex(service, shape, value, cliName);
  const text = Array.isArray(value) ? (value[0] ?? '') : value;
  try {
    return unpackScalar(shape, text);
  } catch (err) {
    throw new ParamError(cliName, (err as Error).message);
  }
}

/** The parameter value for `--<cliName> <raw>` of a member with `shape`. */
export function unpackArgument(
  service: ServiceName,
  shape: ShapeDef,
  raw: string | string[],
  cliName: string,
): unknown {
  let value: string | string[] = raw;
  // awscli URIArgumentHandler: a one-item list is checked like a plain string.
  const single = Array.isArray(raw) ? (raw.length === 1 ? raw[0]! : undefined) : raw;
  if (single !== undefined) {
    try {
      const content = readParamFile(single);
      if (content !== undefined) {
        value = typeof content === 'string' ? content : content.toString('latin1');
        if (Array.isArray(raw) && shape.type === 'list' && !value.trimStart().startsWith('['))
          value = [value];
      }
    } catch (err) {
      if (err instanceof ParamFileError) throw new ParamError(cliName, err.message);
      throw err;
    }
  }
  const first = Array.isArray(value) ? value[0] : value;
  const looksJson = typeof first === 'string' && /^\s*[[{]/.test(first);
  if (!looksJson && supportsShorthand(service, shape)) {
    try {
      const parser = new ShorthandParser();
      const parsed = Array.isArray(value) ? value.map((v) => parser.parse(v)) : parser.parse(value);
      return applyShorthandModel(service, shape, parsed);
    } catch (err) {
      if (err instanceof ShorthandParseError || err instanceof Error)
        throw new ParamError(cliName, err.message);
      throw err;
    }
  }
  return unpackValue(service, shape, value, cliName);
}
