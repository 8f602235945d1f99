/**
 * `--output` and `--query` applied to a response, following awscli/formatter.py: json, table
 * (and yaml) format the whole result after merging pages; text (and yaml-stream) format page by
 * page and then print the resume token, applying `--query` to each page separately, exactly as
 * the AWS CLI does (so a query must select from one page's shape).
 */
import { dumpPyJson } from './py-json.js';
import { isJsonObject } from './py-value.js';
import { formatTable } from './table.js';
import { formatText } from './text.js';

// jmespath and yaml are loaded only when --query / a yaml format asks for them: each costs
// ~0.1 s of start-up, which every invocation would otherwise pay.
type YamlModule = typeof import('./yaml.js');
let yamlModule: YamlModule | undefined;
async function loadYaml(): Promise<YamlModule> {
  return (yamlModule ??= await import('./yaml.js'));
}

export const OUTPUT_FORMATS = ['json', 'text', 'table', 'yaml', 'yaml-stream'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Query {
  expression: string;
  search(data: unknown): unknown;
}

/** Compiles a JMESPath expression up front so a bad one fails before any request is made. */
export async function compileQuery(expression: string): Promise<Query> {
  const { default: jmespath } = await import('jmespath');
  // jmespath.js exports compile() although @types/jmespath only declares search().
  (jmespath as unknown as { compile(e: string): unknown }).compile(expression);
  return { expression, search: (data) => jmespath.search(data, expression) };
}

export interface FormatOptions {
  output: OutputFormat;
  query: Query | undefined;
  color: boolean;
  terminalWidth: number;
}

/** A paginated call's pages (each holding only its result key) and the resume token, if any. */
export interface PagedResponse {
  resultKey: string;
  pages: Record<string, unknown>[];
  resumeToken: string | undefined;
}

function isEmptyObject(v: unknown): boolean {
  return isJsonObject(v) && Object.keys(v).length === 0;
}

/** Fully-buffered formats: json, table, yaml. */
async function formatWhole(commandName: string, data: unknown, o: FormatOptions): Promise<string> {
  const result = o.query ? o.query.search(data) : data;
  switch (o.output) {
    case 'json':
      // awscli prints nothing for an empty structure (operations without output members).
      return isEmptyObject(result) ? '' : `${dumpPyJson(result)}\n`;
    case 'table':
      return formatTable(commandName, result, { color: o.color, terminalWidth: o.terminalWidth });
    case 'yaml':
      return isEmptyObject(result) ? '' : (await loadYaml()).formatYaml(result);
    case 'yaml-stream':
      return (await loadYaml()).formatYamlStreamItem(result);
    case 'text':
      return formatText(result);
  }
}

export function formatResponse(commandName: string, response: object, o: FormatOptions): Promise<string> {
  return formatWhole(commandName, response, o);
}

/** botocore PageIterator.build_full_result(): result keys concatenated, then the resume token. */
export function fullResult(paged: PagedResponse): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const page of paged.pages) {
    const value = page[paged.resultKey];
    if (value === undefined || value === null) continue;
    const existing = out[paged.resultKey];
    if (existing === undefined) out[paged.resultKey] = Array.isArray(value) ? [...value] : value;
    else if (Array.isArray(existing) && Array.isArray(value)) existing.push(...value);
  }
  if (paged.resumeToken !== undefined) out.NextToken = paged.resumeToken;
  return out;
}

export async function formatPaged(
  commandName: string,
  paged: PagedResponse,
  o: FormatOptions,
): Promise<string> {
  if (o.output !== 'text' && o.output !== 'yaml-stream') {
    return formatWhole(commandName, fullResult(paged), o);
  }
  const yaml = o.output === 'yaml-stream' ? await loadYaml() : undefined;
  const perPage = (data: unknown): string => {
    const result = o.query ? o.query.search(data) : data;
    return yaml ? yaml.formatYamlStreamItem(result) : formatText(result);
  };
  let out = '';
  for (const page of paged.pages) out += perPage({ [paged.resultKey]: page[paged.resultKey] ?? null });
  if (paged.resumeToken !== undefined) {
    out += perPage({ NextToken: { NextToken: paged.resumeToken } });
  }
  return out;
}
