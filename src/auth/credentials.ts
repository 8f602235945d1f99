/**
 * The credentials file of `kvideo serve --auth FILE`: access key / secret pairs, each optionally
 * restricted to stream-name patterns and to operations. JSON or YAML (parsed with the yaml
 * library, which also reads JSON). Format, documented in README.md:
 *
 *   credentials:
 *     - accessKeyId: AKIDCAMERA1
 *       secretAccessKey: "..."
 *       sessionToken: "..."          # optional; then X-Amz-Security-Token must match
 *       streams: ["cam-1", "lab-*"]  # optional; glob patterns (`*`, `?`); default: every stream
 *       actions: ["PutMedia", "Describe*"]  # optional; operation names or globs; default: all
 *
 * (a top-level list of entries is accepted too). Must not know about HTTP.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export interface CredentialEntry {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Stream-name patterns; undefined = every stream. */
  streams?: RegExp[];
  /** Operation-name patterns; undefined = every operation. */
  actions?: RegExp[];
  /** The patterns as written, for messages. */
  source: { streams?: string[]; actions?: string[] };
}

export interface CredentialStore {
  lookup(accessKeyId: string): CredentialEntry | undefined;
  readonly size: number;
}

/** `*` matches any run of characters (including none), `?` one character; the rest is literal. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v === '')) {
    throw new Error(`${where} must be a non-empty string or a list of non-empty strings`);
  }
  return list as string[];
}

function requiredString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${where} must be a non-empty string`);
  return value;
}

/** Validates parsed JSON/YAML and builds the lookup table; throws with the offending entry's path. */
export function buildCredentialStore(document: unknown): CredentialStore {
  const raw: unknown =
    Array.isArray(document) || typeof document !== 'object' || document === null
      ? document
      : (document as Record<string, unknown>).credentials;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new Error('the credentials file must hold a non-empty "credentials" list');
  }
  const byKey = new Map<string, CredentialEntry>();
  raw.forEach((item: unknown, i) => {
    const where = `credentials[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new Error(`${where} must be an object`);
    }
    const o = item as Record<string, unknown>;
    const known = new Set(['accessKeyId', 'secretAccessKey', 'sessionToken', 'streams', 'actions']);
    const unknown = Object.keys(o).filter((k) => !known.has(k));
    if (unknown.length > 0) throw new Error(`${where} has unknown field(s): ${unknown.join(', ')}`);
    const accessKeyId = requiredString(o.accessKeyId, `${where}.accessKeyId`);
    if (byKey.has(accessKeyId)) throw new Error(`${where}: duplicate accessKeyId ${accessKeyId}`);
    const entry: CredentialEntry = {
      accessKeyId,
      secretAccessKey: requiredString(o.secretAccessKey, `${where}.secretAccessKey`),
      source: {},
    };
    if (o.sessionToken !== undefined) {
      entry.sessionToken = requiredString(o.sessionToken, `${where}.sessionToken`);
    }
    const streams = stringList(o.streams, `${where}.streams`);
    if (streams) {
      entry.streams = streams.map(globToRegExp);
      entry.source.streams = streams;
    }
    const actions = stringList(o.actions, `${where}.actions`);
    if (actions) {
      entry.actions = actions.map(globToRegExp);
      entry.source.actions = actions;
    }
    byKey.set(accessKeyId, entry);
  });
  return { lookup: (id) => byKey.get(id), size: byKey.size };
}

export function parseCredentials(text: string): CredentialStore {
  let document: unknown;
  try {
    document = parseYaml(text) as unknown;
  } catch (err) {
    throw new Error(`the credentials file is neither valid JSON nor YAML: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return buildCredentialStore(document);
}

export function loadCredentialsFile(path: string): CredentialStore {
  try {
    return parseCredentials(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`--auth ${path}: ${(err as Error).message}`, { cause: err });
  }
}
