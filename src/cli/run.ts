/**
 * The kvideo client's entry point (awscli/clidriver.py's job): global options, `--version`,
 * `help`, command lookup, Ctrl-C, and turning every failure into the AWS CLI v1's message and
 * exit code (2 usage, 255 failures, 130 interrupted; see errors.ts). `serve` never gets here.
 */
import { release, type } from 'node:os';
import { parseGlobalOptions } from './args/global-options.js';
import { invalidChoice } from './args/argv.js';
import type { CommandContext, CommandDef } from './command.js';
import { COMMANDS, SERVICE_ALIASES } from './commands/index.js';
import { DebugLog } from './debug-log.js';
import { EXIT, formatFailure, InterruptedError, UsageError } from './errors.js';
import { renderCommandHelp, renderTopHelp } from './help/render.js';
import { printOutput, writeStdout } from './output/pager.js';

export const VERSION = `kvideo-cli/0.1.0 Node.js/${process.version.slice(1)} ${type()}/${release()} aws-sdk-js/3`;

function findCommand(rest: string[]): {
  command: CommandDef | undefined;
  name: string | undefined;
  args: string[];
} {
  let [name, ...args] = rest;
  // `kvideo kinesisvideo describe-stream ...` works too, so AWS CLI lines can be pasted.
  if (name !== undefined && SERVICE_ALIASES.has(name) && args[0] !== undefined) {
    const inner = COMMANDS.find((c) => c.name === args[0] && c.service === name);
    if (inner) [name, ...args] = args;
  }
  return { command: COMMANDS.find((c) => c.name === name), name, args };
}

export async function runCli(argv: readonly string[], serveSummary: string): Promise<number> {
  // The SDK warns on stderr that future versions will need Node 22; the CLI's stderr is for the
  // user's errors (and scripts parse it), so that notice is off unless explicitly asked for.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const interrupt = new AbortController();
  let mediaOnStdout = false;
  const onSigint = (): void => {
    // A second Ctrl-C does not wait for cleanup.
    if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  // A reader that goes away (`kvideo list-streams | head -1`) is not an error, as in the AWS CLI.
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE') throw err;
  };
  process.stdout.on('error', onStdoutError);
  let debug: DebugLog | undefined;
  try {
    const { globals, rest } = await parseGlobalOptions(argv);
    debug = new DebugLog(globals.debug);
    debug.log('kvideo.clidriver', `CLI version: ${VERSION}`);
    debug.log('kvideo.clidriver', `Arguments entered to CLI: ${JSON.stringify(argv)}`);
    if (globals.version) {
      await writeStdout(`${VERSION}\n`);
      return EXIT.ok;
    }
    const { command, name, args } = findCommand(rest);
    if (name === undefined || name === 'help' || name === '-h') {
      if (name === undefined && !globals.help)
        throw new UsageError('the following arguments are required: command');
      await printOutput(renderTopHelp(COMMANDS, serveSummary), globals.pager);
      return EXIT.ok;
    }
    if (!command) throw invalidChoice('command', ['serve', ...COMMANDS.map((c) => c.name), 'help']);
    if (globals.help) {
      await printOutput(renderCommandHelp(command), globals.pager);
      return EXIT.ok;
    }
    mediaOnStdout = args.includes('-');
    const ctx: CommandContext = { globals, debug, interrupt: interrupt.signal };
    const code = await command.run(args, ctx);
    if (interrupt.signal.aborted) throw new InterruptedError(mediaOnStdout);
    return code;
  } catch (err) {
    if (err instanceof InterruptedError || interrupt.signal.aborted) {
      // awscli: KeyboardInterrupt prints a newline and exits 128 + SIGINT.
      if (!(err instanceof InterruptedError ? err.mediaOnStdout : mediaOnStdout)) await writeStdout('\n');
      return EXIT.interrupted;
    }
    // Also when the global options themselves failed to parse.
    (debug ?? new DebugLog(argv.includes('--debug'))).log(
      'kvideo.clidriver',
      `Exception caught in main(): ${(err as Error)?.stack ?? String(err)}`,
    );
    const { text, code } = formatFailure(err);
    process.stderr.write(text);
    return code;
  } finally {
    process.off('SIGINT', onSigint);
    process.stdout.off('error', onStdoutError);
  }
}
