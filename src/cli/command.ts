/**
 * What a kvideo client command is: a name, a summary for `kvideo help`, its argument table (for
 * parsing and for `kvideo <command> help`), and a run function. Commands that call one KVS
 * operation and print its response are built by jsonOperationCommand (src/cli/json-command.ts);
 * streaming commands (get-media, put-media, get-media-for-fragment-list) have their own runners.
 */
import type { ArgDef } from './args/arg-table.js';
import type { GlobalOptions } from './args/global-options.js';
import type { DebugLog } from './debug-log.js';
import type { OperationName, ServiceName } from './model.js';
import type { FormatOptions } from './output/formatter.js';

export interface CommandContext {
  globals: GlobalOptions;
  debug: DebugLog;
  /** Set on Ctrl-C; long-running commands stop and clean up when it fires. */
  interrupt: AbortSignal;
}

export interface CommandHelp {
  /** Model operation whose documentation describes the command (absent for put-media). */
  operation?: OperationName;
  description?: string;
  /** Extra text after OPTIONS (e.g. how get-media's outfile `-` behaves). */
  notes?: string;
}

export interface CommandDef {
  name: string;
  service: ServiceName;
  summary: string;
  table(): ArgDef[];
  help: CommandHelp;
  run(argv: readonly string[], ctx: CommandContext): Promise<number>;
}

export function formatOptions(globals: GlobalOptions): FormatOptions {
  const color = globals.color === 'on' || (globals.color === 'auto' && Boolean(process.stdout.isTTY));
  return {
    output: globals.output,
    query: globals.query,
    color,
    // awscli determine_terminal_width(): the terminal's width, else 80.
    terminalWidth: process.stdout.isTTY ? process.stdout.columns || 80 : 80,
  };
}
