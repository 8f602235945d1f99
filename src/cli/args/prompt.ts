/**
 * `--cli-auto-prompt` (AWS CLI v2 feature, also AWS_CLI_AUTO_PROMPT=on|on-partial and the
 * profile's cli_auto_prompt): on an interactive terminal, asks for each missing required
 * argument instead of failing. kvideo prompts line by line on stderr (v2 opens a full-screen
 * editor); without a terminal on stdin the normal "arguments are required" error applies.
 */
import { createInterface } from 'node:readline/promises';
import type { ArgDef } from './arg-table.js';

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Asks for each argument in turn; list arguments are split on whitespace. */
export async function promptForArguments(
  missing: readonly ArgDef[],
): Promise<Map<string, string | string[]>> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const answers = new Map<string, string | string[]>();
  try {
    for (const arg of missing) {
      const label = arg.positional ? arg.name : `--${arg.name}`;
      const answer = (await rl.question(`${label} (${arg.docType}): `)).trim();
      if (answer === '') continue;
      answers.set(arg.name, arg.kind === 'list' ? answer.split(/\s+/) : answer);
    }
  } finally {
    rl.close();
  }
  return answers;
}
