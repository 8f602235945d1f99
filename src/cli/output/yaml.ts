/**
 * `--output yaml` and `--output yaml-stream` (AWS CLI v2 formats; v1 has neither), with the
 * yaml library set up like v2's ruamel safe dumper: block style, sequences not indented under
 * their key, single-quoted strings when quoting is needed, integral floats kept as `5.0`.
 */
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { PyFloat } from './py-value.js';

/** Builds the node tree by hand so PyFloat values become float scalars (`5.0`), not mappings. */
function toNode(v: unknown): Node {
  if (v instanceof PyFloat) {
    const s = new Scalar(v.valueOf());
    s.minFractionDigits = 1;
    return s;
  }
  if (Array.isArray(v)) {
    const seq = new YAMLSeq();
    for (const item of v) seq.items.push(toNode(item));
    return seq;
  }
  if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
    const map = new YAMLMap();
    for (const [k, x] of Object.entries(v)) map.items.push(new Pair(new Scalar(k), toNode(x)));
    return map;
  }
  return new Scalar(v instanceof Date ? v.toISOString() : (v ?? null));
}

export function formatYaml(data: unknown): string {
  const doc = new Document();
  doc.contents = toNode(data) as Document['contents'];
  return doc.toString({ indentSeq: false, singleQuote: true });
}

/** yaml-stream: each page (or the one response) as an item of a top-level sequence, as v2 does. */
export function formatYamlStreamItem(data: unknown): string {
  return formatYaml([data]);
}
