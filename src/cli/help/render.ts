/**
 * `kvideo help` and `kvideo <command> help`, laid out like the AWS CLI's help pages (as `aws …
 * help` prints them when not on a terminal): NAME, DESCRIPTION, SYNOPSIS, OPTIONS with nested
 * members and shorthand/JSON syntax, GLOBAL OPTIONS, OUTPUT. Text comes from the botocore
 * documentation (docs.ts) and from each command's own notes.
 */
import type { ArgDef } from '../args/arg-table.js';
import type { CommandDef } from '../command.js';
import { membersOf, operationDef, shapeOf, type ServiceName, type ShapeDef } from '../model.js';
import { MEMBER_DOCS as BASE_MEMBER_DOCS, OPERATION_DOCS as BASE_OPERATION_DOCS } from './docs.js';
import { PLAYBACK_MEMBER_DOCS, PLAYBACK_OPERATION_DOCS } from './docs-playback.js';

const OPERATION_DOCS: Record<string, string> = { ...BASE_OPERATION_DOCS, ...PLAYBACK_OPERATION_DOCS };
const MEMBER_DOCS: Record<string, string> = { ...BASE_MEMBER_DOCS, ...PLAYBACK_MEMBER_DOCS };
import { jsonSyntax, shorthandSyntax, supportsShorthand } from './syntax.js';

const WIDTH = 78;

export const GLOBAL_OPTION_DOCS: [string, string, string][] = [
  ['debug', 'boolean', 'Turn on debug logging.'],
  ['endpoint-url', 'string', "Override command's default URL with the given URL."],
  [
    'no-verify-ssl',
    'boolean',
    'By default, kvideo uses SSL when communicating with https endpoints and verifies their certificates. This option overrides the default behavior of verifying SSL certificates.',
  ],
  [
    'no-paginate',
    'boolean',
    'Disable automatic pagination. If automatic pagination is disabled, only one call is made, for the first page of results.',
  ],
  [
    'output',
    'string',
    'The formatting style for command output.\n\n* json\n* text\n* table\n* yaml\n* yaml-stream',
  ],
  ['query', 'string', 'A JMESPath query to use in filtering the response data.'],
  ['profile', 'string', 'Use a specific profile from your credential file.'],
  ['region', 'string', 'The region to use. Overrides config/env settings.'],
  ['version', 'string', 'Display the version of this tool.'],
  ['color', 'string', 'Turn on/off color output.\n\n* on\n* off\n* auto'],
  [
    'no-sign-request',
    'boolean',
    'Do not sign requests. Credentials will not be loaded if this argument is provided.',
  ],
  [
    'ca-bundle',
    'string',
    'The CA certificate bundle to use when verifying SSL certificates. Overrides config/env settings.',
  ],
  [
    'cli-read-timeout',
    'int',
    'The maximum socket read time in seconds. If the value is set to 0, the socket read will be blocking and not timeout. The default value is 60 seconds.',
  ],
  [
    'cli-connect-timeout',
    'int',
    'The maximum socket connect time in seconds. If the value is set to 0, the socket connect will be blocking and not timeout. The default value is 60 seconds.',
  ],
  [
    'cli-binary-format',
    'string',
    'The formatting style to be used for binary blobs (AWS CLI v2 option). None of the kvideo commands takes a blob parameter, so it is accepted and validated but changes nothing.\n\n* base64\n* raw-in-base64-out',
  ],
  ['no-cli-pager', 'boolean', 'Disable the client-side pager (AWS_PAGER or cli_pager) for this command.'],
  ['cli-auto-prompt', 'boolean', 'On a terminal, prompt for missing required parameters instead of failing.'],
  ['no-cli-auto-prompt', 'boolean', 'Disable automatic prompting, even if AWS_CLI_AUTO_PROMPT is set.'],
];

/** Greedy word wrap of each paragraph, bullets keep a hanging indent. */
export function wrap(text: string, indent: number, width = WIDTH): string {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    if (para.trim() === '') {
      out.push('');
      continue;
    }
    const bullet = para.startsWith('* ');
    const words = (bullet ? para.slice(2) : para).split(/\s+/).filter(Boolean);
    let line = bullet ? `${pad}* ` : pad;
    const cont = bullet ? `${pad}  ` : pad;
    let empty = true;
    for (const w of words) {
      if (!empty && line.length + 1 + w.length > width) {
        out.push(line);
        line = cont + w;
      } else {
        line += (empty ? '' : ' ') + w;
      }
      empty = false;
    }
    out.push(line);
  }
  return out.join('\n');
}

function header(name: string): string {
  const t = `${name.toUpperCase()}()`;
  return `${t}${' '.repeat(Math.max(1, WIDTH - 2 * t.length))}${t}\n\n\n\n`;
}

function memberDocs(
  service: ServiceName,
  shapeName: string,
  shape: ShapeDef,
  indent: number,
  depth: number,
): string {
  if (depth > 3) return '';
  let target = shape;
  let targetName = shapeName;
  if (shape.type === 'list') {
    targetName = shape.member;
    target = shapeOf(service, shape.member);
  } else if (shape.type === 'map') {
    targetName = shape.value;
    target = shapeOf(service, shape.value);
  }
  if (target.type !== 'structure') return '';
  const parts: string[] = [];
  for (const m of membersOf(service, target)) {
    const doc = MEMBER_DOCS[`${targetName}.${m.name}`];
    parts.push(`${' '.repeat(indent)}${m.name} -> (${m.shape.type})`);
    if (doc) parts.push(wrap(doc, indent + 4));
    const nested = memberDocs(service, m.shapeName, m.shape, indent + 4, depth + 1);
    parts.push(nested ? `\n${nested}` : '');
  }
  return parts.join('\n');
}

function optionDoc(service: ServiceName, inputShape: string | null, arg: ArgDef): string {
  const label = arg.positional ? arg.name : `--${arg.name}`;
  const lines = [`       ${label} (${arg.docType})`];
  const doc = arg.help ?? (arg.member && inputShape ? MEMBER_DOCS[`${inputShape}.${arg.member}`] : undefined);
  if (doc) lines.push(wrap(doc, 10));
  if (arg.shape && arg.member && inputShape) {
    const memberShapeName = (shapeOf(service, inputShape) as { members: Record<string, { shape: string }> })
      .members[arg.member]!.shape;
    const nested = memberDocs(service, memberShapeName, arg.shape, 10, 0);
    if (nested) lines.push('', nested);
    if (supportsShorthand(service, arg.shape)) {
      lines.push('', '       Shorthand Syntax:', '', `          ${shorthandSyntax(service, arg.shape)}`);
    }
    if (arg.shape.type === 'structure' || arg.shape.type === 'list' || arg.shape.type === 'map') {
      const json = jsonSyntax(service, arg.shape)
        .split('\n')
        .map((l) => `          ${l}`)
        .join('\n');
      lines.push('', '       JSON Syntax:', '', json);
    }
  }
  return lines.join('\n');
}

function synopsisLine(arg: ArgDef): string {
  const base = arg.positional
    ? `<${arg.name}>`
    : arg.kind === 'flag'
      ? `--${arg.name}`
      : arg.kind === 'optional-value'
        ? `--${arg.name} [<value>]`
        : `--${arg.name} <value>`;
  return `          ${arg.required ? base : `[${base}]`}`;
}

export function renderCommandHelp(cmd: CommandDef): string {
  const op = cmd.help.operation;
  const def = op ? operationDef(op) : undefined;
  const table = cmd.table().filter((a) => !a.hidden);
  const description = cmd.help.description ?? (op ? (OPERATION_DOCS[op] ?? '') : '');
  const out: string[] = [
    header(cmd.name),
    'NAME',
    `       ${cmd.name} -`,
    '',
    'DESCRIPTION',
    wrap(description, 7),
    '',
  ];
  out.push('SYNOPSIS', `            ${cmd.name}`, ...table.map(synopsisLine));
  for (const [name, type] of GLOBAL_OPTION_DOCS) {
    out.push(`          [--${name}${type === 'boolean' ? '' : ' <value>'}]`);
  }
  out.push('', 'OPTIONS');
  for (const arg of table) out.push(optionDoc(cmd.service, def?.input ?? null, arg), '');
  if (cmd.help.notes) out.push(wrap(cmd.help.notes, 7), '');
  out.push('GLOBAL OPTIONS');
  for (const [name, type, doc] of GLOBAL_OPTION_DOCS)
    out.push(`       --${name} (${type})`, '', wrap(doc, 7), '');
  if (def?.output) {
    const shape = shapeOf(def.service, def.output);
    const members = membersOf(def.service, shape).filter(
      (m) => m.name !== (shape.type === 'structure' && shape.payload),
    );
    if (members.length > 0) {
      out.push('OUTPUT');
      for (const m of members) {
        out.push(`       ${m.name} -> (${m.shape.type})`);
        const doc = MEMBER_DOCS[`${def.output}.${m.name}`];
        if (doc) out.push(wrap(doc, 10));
        const nested = memberDocs(def.service, m.shapeName, m.shape, 10, 0);
        if (nested) out.push('', nested);
        out.push('');
      }
    }
  }
  return `${out.join('\n').replace(/\n{3,}(?=\S)/g, '\n\n')}\n`;
}

export function renderTopHelp(commands: readonly CommandDef[], serveSummary: string): string {
  const out: string[] = [
    header('kvideo'),
    'NAME',
    '       kvideo -',
    '',
    'DESCRIPTION',
    wrap(
      'kvideo is a self-hostable server for the Amazon Kinesis Video Streams APIs and a command line ' +
        'client for them. The client commands work like the AWS CLI (aws kinesisvideo, aws ' +
        'kinesis-video-media, aws kinesis-video-archived-media): same parameters, global options, ' +
        'output formats and exit codes, against kvideo or any KVS-compatible endpoint.',
      7,
    ),
    '',
    'SYNOPSIS',
    '          kvideo [options] <command> [parameters]',
    '',
    wrap(
      'Use kvideo command help for information on a specific command. The synopsis for each ' +
        'command shows its parameters and their usage. Optional parameters are shown in square brackets.',
      7,
    ),
    '',
    'GLOBAL OPTIONS',
  ];
  for (const [name, type, doc] of GLOBAL_OPTION_DOCS)
    out.push(`       --${name} (${type})`, '', wrap(doc, 7), '');
  out.push('AVAILABLE COMMANDS');
  out.push(`       o serve`, '', wrap(serveSummary, 9), '');
  for (const c of commands) out.push(`       o ${c.name}`, '', wrap(c.summary, 9), '');
  return `${out.join('\n')}\n`;
}
