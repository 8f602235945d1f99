/**
 * The "Shorthand Syntax" and "JSON Syntax" examples of `help` pages, generated from the model
 * the way awscli's ParamShorthandDocGen and clidocs' JSON example writer do.
 */
import { shapeOf, type ServiceName, type ShapeDef } from '../model.js';

const COMPLEX = new Set(['structure', 'list', 'map']);

export function supportsShorthand(service: ServiceName, shape: ShapeDef): boolean {
  if (!COMPLEX.has(shape.type)) return false;
  return shape.type !== 'list' || COMPLEX.has(shapeOf(service, shape.member).type);
}

function scalarName(shape: ShapeDef): string {
  return shape.type;
}

function shorthandDocs(service: ServiceName, shape: ShapeDef, depth: number): string {
  if (depth > 3) return '';
  if (shape.type === 'structure') {
    const inner = Object.entries(shape.members)
      .map(([name, m]) => `${name}=${shorthandDocs(service, shapeOf(service, m.shape), depth + 1)}`)
      .join(',');
    return depth === 0 ? inner : `{${inner}}`;
  }
  if (shape.type === 'list') {
    const member = shapeOf(service, shape.member);
    const el = shorthandDocs(service, member, depth + 1);
    return COMPLEX.has(member.type) || depth > 0 ? `[${el},${el}]` : `${el},${el}`;
  }
  if (shape.type === 'map') {
    const v = shorthandDocs(service, shapeOf(service, shape.value), depth + 1);
    const start = `KeyName1=${v},KeyName2=${v}`;
    return depth > 0 ? `{${start}}` : start;
  }
  return scalarName(shape);
}

export function shorthandSyntax(service: ServiceName, shape: ShapeDef): string {
  if (shape.type === 'list') return `${shorthandDocs(service, shapeOf(service, shape.member), 0)} ...`;
  return shorthandDocs(service, shape, 0);
}

function jsonExample(service: ServiceName, shape: ShapeDef, indent: number): string {
  const pad = ' '.repeat(indent + 2);
  switch (shape.type) {
    case 'structure': {
      const lines = Object.entries(shape.members).map(
        ([name, m]) => `${pad}"${name}": ${jsonExample(service, shapeOf(service, m.shape), indent + 2)}`,
      );
      return `{\n${lines.join(',\n')}\n${' '.repeat(indent)}}`;
    }
    case 'list': {
      const member = shapeOf(service, shape.member);
      const el = jsonExample(service, member, indent + 2);
      return COMPLEX.has(member.type) ? `[\n${pad}${el}\n${pad}...\n${' '.repeat(indent)}]` : `[${el}, ...]`;
    }
    case 'map':
      return `{"string": ${jsonExample(service, shapeOf(service, shape.value), indent + 2)}\n${pad}...}`;
    case 'string':
      return shape.enum ? shape.enum.map((e) => `"${e}"`).join('|') : '"string"';
    default:
      return shape.type;
  }
}

export function jsonSyntax(service: ServiceName, shape: ShapeDef): string {
  return jsonExample(service, shape, 0);
}
