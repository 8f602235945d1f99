/**
 * The AWS CLI's global options, accepted anywhere on the command line (the AWS CLI's main
 * parser runs parse_known_args over the whole argv before the command sees the rest), and
 * their defaults from the environment and the profile, in the AWS CLI's precedence:
 * option > environment > profile setting > default.
 *
 * v1 options: --debug --endpoint-url --no-verify-ssl --no-paginate --output --query --profile
 * --region --version --color --no-sign-request --ca-bundle --cli-read-timeout
 * --cli-connect-timeout. v2 options also accepted: --cli-binary-format --no-cli-pager
 * --cli-auto-prompt --no-cli-auto-prompt and the yaml/yaml-stream output formats.
 */
import { CliError } from '../errors.js';
import { compileQuery, OUTPUT_FORMATS, type OutputFormat, type Query } from '../output/formatter.js';
import { loadProfile, type ProfileConfig } from '../config/shared-config.js';
import { invalidChoice, parseArgs, type OptionSpec } from './argv.js';

export const GLOBAL_OPTION_SPECS: readonly OptionSpec[] = [
  { name: 'debug', kind: 'flag' },
  { name: 'endpoint-url', kind: 'value' },
  { name: 'no-verify-ssl', kind: 'flag' },
  { name: 'no-paginate', kind: 'flag' },
  { name: 'output', kind: 'value', choices: OUTPUT_FORMATS },
  { name: 'query', kind: 'value' },
  { name: 'profile', kind: 'value' },
  { name: 'region', kind: 'value' },
  { name: 'version', kind: 'flag' },
  { name: 'color', kind: 'value', choices: ['on', 'off', 'auto'] },
  { name: 'no-sign-request', kind: 'flag' },
  { name: 'ca-bundle', kind: 'value' },
  { name: 'cli-read-timeout', kind: 'value', int: true },
  { name: 'cli-connect-timeout', kind: 'value', int: true },
  { name: 'cli-binary-format', kind: 'value', choices: ['base64', 'raw-in-base64-out'] },
  { name: 'no-cli-pager', kind: 'flag' },
  { name: 'cli-auto-prompt', kind: 'flag' },
  { name: 'no-cli-auto-prompt', kind: 'flag' },
  { name: 'help', kind: 'flag' },
];

export type AutoPrompt = 'off' | 'on' | 'on-partial';

export interface GlobalOptions {
  debug: boolean;
  endpointUrl: string | undefined;
  verifySsl: boolean;
  paginate: boolean;
  output: OutputFormat;
  query: Query | undefined;
  /** The profile named by --profile (undefined when only the environment or default applies). */
  explicitProfile: string | undefined;
  profile: ProfileConfig;
  region: string | undefined;
  version: boolean;
  help: boolean;
  color: 'on' | 'off' | 'auto';
  signRequest: boolean;
  caBundle: string | undefined;
  /** Milliseconds; 0 = no timeout. */
  readTimeoutMs: number;
  connectTimeoutMs: number;
  binaryFormat: 'base64' | 'raw-in-base64-out';
  pager: string | undefined;
  autoPrompt: AutoPrompt;
  maxAttempts: number;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Splits argv into global options and the rest (command and its arguments, order kept). */
export async function parseGlobalOptions(
  argv: readonly string[],
): Promise<{ globals: GlobalOptions; rest: string[] }> {
  const parsed = parseArgs(argv, GLOBAL_OPTION_SPECS, []);
  // What the global options did not consume (command, its options, their values) goes on, in order.
  const rest = parsed.rest;
  const v = parsed.values;
  const env = process.env;
  const explicitProfile = str(v.get('profile'));
  const profileName = explicitProfile ?? env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? 'default';
  const profile = loadProfile(profileName);

  const output = str(v.get('output')) ?? env.AWS_DEFAULT_OUTPUT ?? profile.get('output') ?? 'json';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(output))
    throw invalidChoice('--output', OUTPUT_FORMATS);

  const queryText = str(v.get('query'));
  let query: Query | undefined;
  if (queryText !== undefined) {
    try {
      query = await compileQuery(queryText);
    } catch (err) {
      throw new CliError(
        `Bad value for --query ${queryText}: Invalid jmespath expression: ${(err as Error).message}`,
      );
    }
  }

  const timeout = (name: string): number => {
    const raw = str(v.get(name));
    return raw === undefined ? 60_000 : Number(raw.trim()) * 1000;
  };
  const binaryFormat = str(v.get('cli-binary-format')) ?? profile.get('cli_binary_format') ?? 'base64';
  if (binaryFormat !== 'base64' && binaryFormat !== 'raw-in-base64-out') {
    throw invalidChoice('--cli-binary-format', ['base64', 'raw-in-base64-out']);
  }
  const maxAttemptsText = env.AWS_MAX_ATTEMPTS ?? profile.get('max_attempts');
  const maxAttempts = maxAttemptsText !== undefined ? Number(maxAttemptsText) : 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new CliError(`Invalid value for max_attempts: ${maxAttemptsText}`);
  }

  let autoPrompt = (env.AWS_CLI_AUTO_PROMPT ?? profile.get('cli_auto_prompt') ?? 'off') as AutoPrompt;
  if (!['off', 'on', 'on-partial'].includes(autoPrompt)) autoPrompt = 'off';
  if (v.has('cli-auto-prompt')) autoPrompt = 'on';
  if (v.has('no-cli-auto-prompt')) autoPrompt = 'off';

  return {
    rest,
    globals: {
      debug: v.has('debug'),
      endpointUrl: str(v.get('endpoint-url')),
      verifySsl: !v.has('no-verify-ssl'),
      paginate: !v.has('no-paginate'),
      output: output as OutputFormat,
      query,
      explicitProfile,
      profile,
      region: str(v.get('region')) ?? env.AWS_DEFAULT_REGION,
      version: v.has('version'),
      help: v.has('help'),
      color: (str(v.get('color')) ?? 'auto') as GlobalOptions['color'],
      signRequest: !v.has('no-sign-request'),
      caBundle: str(v.get('ca-bundle')) ?? env.AWS_CA_BUNDLE ?? profile.get('ca_bundle'),
      readTimeoutMs: timeout('cli-read-timeout'),
      connectTimeoutMs: timeout('cli-connect-timeout'),
      binaryFormat,
      pager: v.has('no-cli-pager') ? undefined : (env.AWS_PAGER ?? profile.get('cli_pager')),
      autoPrompt,
      maxAttempts,
    },
  };
}

export function requireRegion(globals: GlobalOptions, resolved: string | undefined): string {
  const region = globals.region ?? resolved;
  if (!region) {
    throw new CliError(
      'You must specify a region. You can also configure your region by running "aws configure".',
      255,
      false,
    );
  }
  return region;
}
