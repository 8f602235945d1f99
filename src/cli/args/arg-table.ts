/**
 * An operation's argument table, built like awscli's ServiceOperation._create_argument_table:
 * one `--kebab-case` option per input member in model order (lists take several values,
 * nargs='*'), required as the model says; for paginated operations the service's own paging
 * members are hidden and `--starting-token`, `--page-size`, `--max-items` added
 * (awscli/customizations/paginate.py); streaming outputs add the `outfile` positional.
 * Commands may append their own arguments (get-media's --follow etc.).
 */
import {
  membersOf,
  operationDef,
  PAGINATORS,
  shapeOf,
  xformName,
  type OperationName,
  type ShapeDef,
} from '../model.js';
import type { ArgKind, OptionSpec } from './argv.js';

export interface ArgDef extends OptionSpec {
  /** Input member this argument fills (absent for CLI-only arguments). */
  member?: string;
  shape?: ShapeDef;
  positional?: boolean;
  /** Accepted but not documented (the paging members of paginated operations). */
  hidden?: boolean;
  /** Type shown in help: string, integer, structure, list, map, timestamp, boolean. */
  docType: string;
  /** Help text for CLI-only arguments; model arguments take theirs from src/cli/help/docs. */
  help?: string;
}

export interface ArgTableOptions {
  outfile?: boolean;
  extra?: readonly ArgDef[];
}

function kindOf(shape: ShapeDef): ArgKind {
  return shape.type === 'list' ? 'list' : 'value';
}

export function buildArgTable(operation: OperationName, options: ArgTableOptions = {}): ArgDef[] {
  const def = operationDef(operation);
  const paginator = PAGINATORS[operation];
  const table: ArgDef[] = [];
  if (def.input) {
    const input = shapeOf(def.service, def.input);
    const required = new Set(input.type === 'structure' ? (input.required ?? []) : []);
    for (const m of membersOf(def.service, input)) {
      table.push({
        name: xformName(m.name),
        member: m.name,
        shape: m.shape,
        kind: kindOf(m.shape),
        required: required.has(m.name),
        hidden: paginator !== undefined && (m.name === paginator.inputToken || m.name === paginator.limitKey),
        docType: m.shape.type,
      });
    }
  }
  if (paginator) {
    table.push({ name: 'starting-token', kind: 'value', docType: 'string' });
    table.push({ name: 'page-size', kind: 'value', int: true, docType: 'integer' });
    table.push({ name: 'max-items', kind: 'value', int: true, docType: 'integer' });
  }
  if (options.outfile) {
    table.push({
      name: 'outfile',
      kind: 'value',
      positional: true,
      required: true,
      docType: 'string',
      help: 'Filename where the content will be saved (kvideo: - for stdout).',
    });
  }
  table.push(...(options.extra ?? []));
  return table;
}

export function isPaginated(operation: OperationName): boolean {
  return PAGINATORS[operation] !== undefined;
}
