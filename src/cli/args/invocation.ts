/**
 * From a command's argv to its operation parameters, in the AWS CLI's order of checks:
 * `<cmd> help` → argparse (unknown prefixes, missing values, invalid ints) → required arguments
 * (after auto-prompting, when enabled) → `help` positional → unknown options (255) → value
 * unpacking (file://, JSON, shorthand; `Error parsing parameter`).
 */
import { UnknownOptionsError } from '../errors.js';
import type { GlobalOptions } from './global-options.js';
import type { ArgDef } from './arg-table.js';
import { checkRequired, parseArgs, type ParseResult } from './argv.js';
import { canPrompt, promptForArguments } from './prompt.js';
import { unpackArgument } from './unpack.js';
import type { ServiceName } from '../model.js';

export interface Invocation {
  parsed: ParseResult;
  /** Operation parameters filled from model arguments (values not yet validated). */
  params: Record<string, unknown>;
  /** Raw values of every argument given, by name (for CLI-only arguments). */
  values: ParseResult['values'];
  outfile: string | undefined;
}

/** Parses argv; returns 'help' for `<cmd> help`. */
export async function parseInvocation(
  service: ServiceName,
  table: readonly ArgDef[],
  argv: readonly string[],
  globals: GlobalOptions,
): Promise<Invocation | 'help'> {
  // awscli ArgTableArgParser: exactly `help` shows help even if required arguments are missing.
  if (argv.length === 1 && argv[0] === 'help') return 'help';
  const options = table.filter((a) => !a.positional);
  const slots = table.filter((a) => a.positional).map((a) => a.name);
  const parsed = parseArgs(argv, options, slots);

  const required = table.filter((a) => a.required);
  const missing = required.filter((a) =>
    a.positional ? parsed.positionals.length <= slots.indexOf(a.name) : !parsed.values.has(a.name),
  );
  if (missing.length > 0 && globals.autoPrompt !== 'off' && canPrompt()) {
    for (const [name, value] of await promptForArguments(missing)) {
      const arg = table.find((a) => a.name === name)!;
      if (arg.positional) parsed.positionals[slots.indexOf(name)] = value as string;
      else parsed.values.set(name, value);
    }
  }
  checkRequired(parsed, required);
  if (parsed.help === 'help') return 'help';
  const extras = [...parsed.extras];
  if (parsed.help !== undefined) extras.push(parsed.help);
  if (extras.length > 0) throw new UnknownOptionsError(extras);

  const params: Record<string, unknown> = {};
  for (const arg of table) {
    const raw = parsed.values.get(arg.name);
    if (!arg.member || !arg.shape || raw === undefined || raw === null || raw === true) continue;
    params[arg.member] = unpackArgument(service, arg.shape, raw, `--${arg.name}`);
  }
  const outfileIndex = slots.indexOf('outfile');
  return {
    parsed,
    params,
    values: parsed.values,
    outfile: outfileIndex >= 0 ? parsed.positionals[outfileIndex] : undefined,
  };
}
