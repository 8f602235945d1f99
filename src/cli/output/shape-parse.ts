/**
 * Turns a raw JSON response body into the structure the AWS CLI prints, as botocore's rest-json
 * parser builds it: members in model order (not wire order), nulls and unknown members dropped,
 * timestamps left exactly as received (the CLI's default cli_timestamp_format "none" in v1),
 * header-bound members taken from the response headers.
 */
import { membersOf, shapeOf, type ServiceName, type ShapeDef } from '../model.js';
import { isJsonObject, type Json, type JsonObject } from './py-value.js';

export function parseShape(service: ServiceName, shape: ShapeDef, value: Json): Json {
  if (value === null) return null;
  switch (shape.type) {
    case 'structure': {
      if (!isJsonObject(value)) return value;
      const out: JsonObject = {};
      for (const m of membersOf(service, shape)) {
        const raw = value[m.name];
        if (raw !== undefined && raw !== null) out[m.name] = parseShape(service, m.shape, raw);
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) return value;
      const member = shapeOf(service, shape.member);
      return value.map((v) => parseShape(service, member, v));
    }
    case 'map': {
      if (!isJsonObject(value)) return value;
      const valueShape = shapeOf(service, shape.value);
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) out[k] = parseShape(service, valueShape, v);
      return out;
    }
    default:
      return value;
  }
}

/**
 * The printable output of an operation: the body members per the output shape, plus members
 * bound to headers (GetMedia's ContentType); the streaming payload member is never printed.
 */
export function parseOutput(
  service: ServiceName,
  outputShapeName: string | null,
  body: Json,
  headers: Record<string, string | undefined>,
): JsonObject {
  if (!outputShapeName) return {};
  const shape = shapeOf(service, outputShapeName);
  if (shape.type !== 'structure') return {};
  const out: JsonObject = {};
  const bodyObj = isJsonObject(body) ? body : {};
  for (const m of membersOf(service, shape)) {
    if (m.location === 'header') {
      const locationName = shape.members[m.name]?.locationName ?? m.name;
      const h = headers[locationName.toLowerCase()];
      if (h !== undefined) out[m.name] = h;
      continue;
    }
    if (shape.payload === m.name) continue;
    const raw = bodyObj[m.name];
    if (raw !== undefined && raw !== null) out[m.name] = parseShape(service, m.shape, raw);
  }
  return out;
}
