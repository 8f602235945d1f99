/**
 * An argparse work-alike for the AWS CLI's command lines: `--opt value`, `--opt=value`, unique
 * prefixes (`--stream-n`), lists (`--fragments a b c`, nargs='*'), flags, optional values
 * (nargs='?'), `--` ending options, the trailing positional slots (outfile, then `help`), and
 * parse_known_args() semantics: what nobody consumes is returned, in order, for the caller to
 * report as `Unknown options`. Errors use argparse's words and exit 2 (UsageError).
 */
import { UsageError } from '../errors.js';

export type ArgKind = 'value' | 'list' | 'flag' | 'optional-value';

export interface OptionSpec {
  /** Option name without the leading dashes. */
  name: string;
  kind: ArgKind;
  required?: boolean;
  choices?: readonly string[];
  /** argparse type=int. */
  int?: boolean;
}

export interface ParseResult {
  values: Map<string, string | string[] | true | null>;
  positionals: string[];
  /** `help` positional slot (AWS: `aws <cmd> help`). */
  help: string | undefined;
  extras: string[];
  /** Every token no known option consumed (positionals, unknown options, `--`), in order. */
  rest: string[];
}

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

function looksLikeOption(token: string): boolean {
  return token.startsWith('-') && token !== '-' && !NEGATIVE_NUMBER.test(token) && !token.includes(' ');
}

/** argparse's choices error as awscli words it; `label` is `--output` or `command`. */
export function invalidChoice(label: string, choices: readonly string[]): UsageError {
  const rows: string[] = [];
  for (let i = 0; i < choices.length; i += 2) {
    rows.push(
      choices
        .slice(i, i + 2)
        .map((c) => c.padEnd(40))
        .join(' | '),
    );
  }
  return new UsageError(`argument ${label}: Invalid choice, valid choices are:\n\n${rows.join('\n')}`);
}

/** Exact name, else the one option the token is a prefix of; undefined if none. */
function matchOption(token: string, specs: readonly OptionSpec[]): OptionSpec | undefined {
  const name = token.slice(2);
  const exact = specs.find((s) => s.name === name);
  if (exact) return exact;
  const candidates = specs.filter((s) => s.name.startsWith(name));
  if (candidates.length > 1) {
    throw new UsageError(
      `ambiguous option: ${token} could match ${candidates.map((c) => `--${c.name}`).join(', ')}`,
    );
  }
  return candidates[0];
}

/**
 * Parses `argv` against `specs`; `slots` names the positional arguments in order (e.g.
 * ['outfile']); a final `help` slot is always added, as awscli does for every operation.
 */
export function parseArgs(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  slots: readonly string[] = [],
): ParseResult {
  const values = new Map<string, string | string[] | true | null>();
  const extras: string[] = [];
  const positionals: string[] = [];
  const rest: string[] = [];
  let help: string | undefined;
  let slotsConsumed = false;
  let pending: string[] = [];
  let afterDashDash = false;

  // argparse consume_positionals(): the first run of positionals fills every slot it can
  // (`help` may match nothing); later positionals are extras.
  const flushPositionals = (atEnd: boolean): void => {
    if (!slotsConsumed && (pending.length > 0 || (atEnd && slots.length === 0))) {
      slotsConsumed = true;
      for (let i = 0; i < slots.length && pending.length > 0; i++) positionals.push(pending.shift()!);
      if (pending.length > 0 && positionals.length === slots.length) help = pending.shift();
    }
    extras.push(...pending);
    pending = [];
  };

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (afterDashDash || !looksLikeOption(token)) {
      pending.push(token);
      rest.push(token);
      continue;
    }
    if (token === '--') {
      afterDashDash = true;
      rest.push(token);
      continue;
    }
    flushPositionals(false);
    const eq = token.indexOf('=');
    const head = token.startsWith('--') && eq > 0 ? token.slice(0, eq) : token;
    const explicit = head !== token ? token.slice(eq + 1) : undefined;
    const spec = token.startsWith('--') ? matchOption(head, specs) : undefined;
    if (!spec) {
      extras.push(token);
      rest.push(token);
      continue;
    }
    const nextIsValue = (): boolean =>
      i + 1 < argv.length && (afterDashDash || !looksLikeOption(argv[i + 1]!));
    let value: string | string[] | true | null;
    switch (spec.kind) {
      case 'flag':
        if (explicit !== undefined) {
          throw new UsageError(`argument --${spec.name}: ignored explicit argument '${explicit}'`);
        }
        value = true;
        break;
      case 'value':
        if (explicit !== undefined) value = explicit;
        else if (nextIsValue()) value = argv[++i]!;
        else throw new UsageError(`argument --${spec.name}: expected one argument`);
        break;
      case 'optional-value':
        value = explicit ?? (nextIsValue() ? argv[++i]! : null);
        break;
      case 'list': {
        const list = explicit !== undefined ? [explicit] : [];
        while (explicit === undefined && nextIsValue()) list.push(argv[++i]!);
        value = list;
        break;
      }
    }
    if (typeof value === 'string' && spec.choices && !spec.choices.includes(value)) {
      throw invalidChoice(`--${spec.name}`, spec.choices);
    }
    if (typeof value === 'string' && spec.int && !/^\s*[+-]?\d+\s*$/.test(value)) {
      throw new UsageError(`argument --${spec.name}: invalid int value: '${value}'`);
    }
    values.set(spec.name, value);
  }
  flushPositionals(true);
  return { values, positionals, help, extras, rest };
}

/** argparse's `the following arguments are required: --a, outfile` check, in declaration order. */
export function checkRequired(
  result: ParseResult,
  required: readonly { name: string; positional?: boolean }[],
): void {
  const missing = required.filter((r) =>
    r.positional ? result.positionals.length <= positionalIndex(required, r) : !result.values.has(r.name),
  );
  if (missing.length > 0) {
    throw new UsageError(
      `the following arguments are required: ${missing.map((m) => (m.positional ? m.name : `--${m.name}`)).join(', ')}`,
    );
  }
}

function positionalIndex(
  all: readonly { name: string; positional?: boolean }[],
  r: { name: string },
): number {
  return all.filter((a) => a.positional).findIndex((a) => a.name === r.name);
}
