/**
 * The CLI's failure kinds and how each is printed, matching the AWS CLI v1 installed as the
 * reference (`aws-cli/1.45`): argparse usage errors exit 2 with `kvideo: error: ...` after the
 * usage text; unknown options exit 255 after the usage text; everything else (service errors,
 * parameter errors, network errors) exits 255 with the message on stderr after a blank line,
 * as awscli.utils.write_exception prints it. Ctrl-C exits 130.
 */

export const EXIT = { ok: 0, usage: 2, interrupted: 130, failure: 255 } as const;

export const USAGE =
  'kvideo [options] <command> [parameters]\n' +
  'To see help text, you can run:\n\n' +
  '  kvideo help\n' +
  '  kvideo <command> help\n';

/** argparse-level error: bad or missing arguments (exit 2, like the AWS CLI v1's argparse). */
export class UsageError extends Error {}

/** Arguments no command accepts (exit 255, `Unknown options: --x, y`). */
export class UnknownOptionsError extends Error {
  constructor(remaining: string[]) {
    super(`Unknown options: ${remaining.join(', ')}`);
  }
}

/** Any other failure: printed as `\n<message>\n` (or without the blank line), exit 255. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    readonly leadingNewline = true,
  ) {
    super(message);
  }
}

/** `Error parsing parameter '--x': ...` (awscli argprocess.ParamError). */
export class ParamError extends CliError {
  constructor(cliName: string, message: string) {
    super(`Error parsing parameter '${cliName}': ${message}`);
  }
}

/** The user pressed Ctrl-C; `mediaOnStdout` when stdout carries media (no newline is added then). */
export class InterruptedError extends Error {
  constructor(readonly mediaOnStdout = false) {
    super('interrupted');
  }
}

export function formatFailure(err: unknown): { text: string; code: number } {
  if (err instanceof UsageError)
    return { text: `usage: ${USAGE}kvideo: error: ${err.message}\n`, code: EXIT.usage };
  if (err instanceof UnknownOptionsError)
    return { text: `usage: ${USAGE}\n${err.message}\n`, code: EXIT.failure };
  if (err instanceof CliError) {
    return { text: `${err.leadingNewline ? '\n' : ''}${err.message}\n`, code: err.exitCode };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { text: `\n${message}\n`, code: EXIT.failure };
}
