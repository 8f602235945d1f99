/**
 * `--output text`: a line-for-line port of awscli/text.py (AWS CLI v1). Scalars of a structure
 * go on one tab-separated line (keys sorted, prefixed by the upper-cased parent key), nested
 * lists and structures follow on their own lines; lists of structures use the union of the
 * items' scalar keys as columns, so missing members print as empty cells.
 */
import { isJsonObject, pyCompare, pyStr, type JsonObject } from './py-value.js';

export function formatText(data: unknown): string {
  const out: string[] = [];
  formatValue(data, out, undefined, undefined);
  return out.join('');
}

function formatValue(
  item: unknown,
  out: string[],
  identifier: string | undefined,
  scalarKeys: string[] | undefined,
): void {
  if (isJsonObject(item)) formatDict(scalarKeys, item, identifier, out);
  else if (Array.isArray(item)) formatList(item, identifier, out);
  else out.push(`${pyStr(item)}\n`);
}

function formatList(item: unknown[], identifier: string | undefined, out: string[]): void {
  if (item.length === 0) return;
  if (item.some(isJsonObject)) {
    const allKeys = allScalarKeys(item as JsonObject[]);
    for (const element of item) formatValue(element, out, identifier, allKeys);
  } else if (item.some(Array.isArray)) {
    const scalars = item.filter((e) => !Array.isArray(e) && !isJsonObject(e));
    const nonScalars = item.filter((e) => Array.isArray(e) || isJsonObject(e));
    if (scalars.length > 0) formatScalarList(scalars, identifier, out);
    for (const nonScalar of nonScalars) formatValue(nonScalar, out, identifier, undefined);
  } else {
    formatScalarList(item, identifier, out);
  }
}

function formatScalarList(elements: unknown[], identifier: string | undefined, out: string[]): void {
  if (identifier !== undefined) {
    for (const e of elements) out.push(`${identifier.toUpperCase()}\t${pyStr(e)}\n`);
  } else {
    out.push(`${elements.map(pyStr).join('\t')}\n`);
  }
}

function formatDict(
  scalarKeys: string[] | undefined,
  item: JsonObject,
  identifier: string | undefined,
  out: string[],
): void {
  const scalars: string[] = [];
  const nonScalars: [string, unknown][] = [];
  if (scalarKeys === undefined) {
    for (const key of Object.keys(item).sort(pyCompare)) {
      const value = item[key];
      if (Array.isArray(value) || isJsonObject(value)) nonScalars.push([key, value]);
      else scalars.push(pyStr(value));
    }
  } else {
    for (const key of scalarKeys) scalars.push(key in item ? pyStr(item[key]) : '');
    for (const key of Object.keys(item)
      .filter((k) => !scalarKeys.includes(k))
      .sort(pyCompare)) {
      nonScalars.push([key, item[key]]);
    }
  }
  if (scalars.length > 0) {
    if (identifier !== undefined) scalars.unshift(identifier.toUpperCase());
    out.push(`${scalars.join('\t')}\n`);
  }
  for (const [key, value] of nonScalars) formatValue(value, out, key, undefined);
}

function allScalarKeys(list: JsonObject[]): string[] {
  const seen = new Set<string>();
  for (const d of list) {
    if (!isJsonObject(d)) continue;
    for (const [k, v] of Object.entries(d)) if (!Array.isArray(v) && !isJsonObject(v)) seen.add(k);
  }
  return [...seen].sort(pyCompare);
}
