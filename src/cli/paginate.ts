/**
 * The AWS CLI's automatic pagination (botocore PageIterator): follows NextToken page by page,
 * `--page-size` sets the service's limit member, `--max-items` truncates the combined result and
 * returns a resume token, `--starting-token` resumes. Tokens use botocore's encoding (base64 of
 * `{"NextToken": ..., "boto_truncate_amount": N}`), so tokens from `aws` work here and back.
 */
import { CliError } from './errors.js';
import type { PaginatorConfig } from './model.js';
import type { PagedResponse } from './output/formatter.js';
import { dumpsPyJsonCompact } from './output/py-json.js';
import { pyRepr } from './output/py-value.js';

export interface PagingArgs {
  startingToken?: string;
  pageSize?: number;
  maxItems?: number;
}

type Token = Record<string, unknown>;

function encodeToken(token: Token): string {
  return Buffer.from(dumpsPyJsonCompact(token), 'utf8').toString('base64');
}

/** botocore _parse_starting_token (with its fallback for old `token___index` forms). */
function parseStartingToken(config: PaginatorConfig, token: string): [Token, number] {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded))
      throw new Error('not a dict');
    const t = { ...(decoded as Token) };
    const index = typeof t.boto_truncate_amount === 'number' ? t.boto_truncate_amount : 0;
    delete t.boto_truncate_amount;
    return [t, index];
  } catch {
    const parts = token.split('___');
    let index = 0;
    if (parts.length === 2 && /^[+-]?\d+$/.test(parts[1]!.trim())) index = Number(parts.pop());
    else if (parts.length === 2) parts.splice(0, 2, token);
    if (parts.length > 1) throw new CliError(`Bad starting token: ${token}`);
    return [{ [config.inputToken]: parts[0] === 'None' ? null : (parts[0] ?? null) }, index];
  }
}

export async function paginate(
  config: PaginatorConfig,
  params: Record<string, unknown>,
  paging: PagingArgs,
  callPage: (params: Record<string, unknown>) => Promise<Record<string, unknown>>,
): Promise<PagedResponse> {
  const { resultKey } = config;
  const kwargs = { ...params };
  let nextToken: Token = { [config.inputToken]: null };
  let startIndex = 0;
  const inject = (token: Token): void => {
    for (const [name, value] of Object.entries(token)) {
      if (value !== null && value !== undefined && value !== 'None') kwargs[name] = value;
      else delete kwargs[name];
    }
  };
  if (paging.startingToken !== undefined) {
    [nextToken, startIndex] = parseStartingToken(config, paging.startingToken);
    inject(nextToken);
  }
  if (paging.pageSize !== undefined) kwargs[config.limitKey] = paging.pageSize;

  const pages: Record<string, unknown>[] = [];
  let resumeToken: string | undefined;
  let total = 0;
  let first = true;
  let previous: string | undefined;
  for (;;) {
    const page = await callPage(kwargs);
    let startingTruncation = 0;
    if (first && paging.startingToken !== undefined) {
      const all = page[resultKey];
      page[resultKey] = Array.isArray(all) || typeof all === 'string' ? all.slice(startIndex) : null;
      startingTruncation = startIndex;
    }
    first = false;
    const current = Array.isArray(page[resultKey]) ? (page[resultKey] as unknown[]) : [];
    const truncate = paging.maxItems !== undefined ? total + current.length - paging.maxItems : 0;
    if (truncate > 0) {
      const keep = current.length - truncate;
      page[resultKey] = current.slice(0, keep);
      resumeToken = encodeToken({ ...nextToken, boto_truncate_amount: keep + startingTruncation });
      pages.push(page);
      break;
    }
    pages.push(page);
    total += current.length;
    const out = page[config.outputToken];
    nextToken = { [config.inputToken]: out ? out : null };
    if (Object.values(nextToken).every((t) => t === null)) break;
    if (paging.maxItems !== undefined && total === paging.maxItems) {
      resumeToken = encodeToken(nextToken);
      break;
    }
    const key = JSON.stringify(nextToken);
    if (previous === key)
      throw new CliError(
        `Error during pagination: The same next token was received twice: ${pyRepr(nextToken)}`,
      );
    inject(nextToken);
    previous = key;
  }
  return { resultKey, pages, resumeToken };
}
