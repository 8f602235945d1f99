/**
 * Reads the AWS shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`, or
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE) for the settings only the CLI uses (output,
 * cli_pager, cli_auto_prompt, ca_bundle, max_attempts, …) and to tell whether a profile exists.
 * Credentials and region themselves are resolved by the AWS SDK's providers (src/cli/aws).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type IniSections = Map<string, Map<string, string>>;

/** Python configparser-style INI: `[section]`, `key = value`, `#`/`;` comments; nested blocks skipped. */
export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const section = /^\[\s*([^\]]+?)\s*\]$/.exec(trimmed);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    // Indented lines belong to a nested block (e.g. `s3 =` followed by sub-keys): not ours.
    if (/^\s/.test(line) || !current) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}

function readIni(path: string): IniSections {
  try {
    return parseIni(readFileSync(path, 'utf8'));
  } catch {
    return new Map();
  }
}

function home(): string {
  return process.env.HOME ?? homedir();
}

export function configFilePath(): string {
  return process.env.AWS_CONFIG_FILE ?? join(home(), '.aws', 'config');
}

export function credentialsFilePath(): string {
  return process.env.AWS_SHARED_CREDENTIALS_FILE ?? join(home(), '.aws', 'credentials');
}

export interface ProfileConfig {
  name: string;
  /** True when the profile has a section in either file. */
  exists: boolean;
  get(key: string): string | undefined;
}

export function loadProfile(name: string): ProfileConfig {
  const config = readIni(configFilePath());
  const credentials = readIni(credentialsFilePath());
  // botocore: `[profile x]` in the config file (`[default]` also for the default profile).
  const fromConfig =
    config.get(`profile ${name}`) ?? (name === 'default' ? config.get('default') : undefined);
  const fromCredentials = credentials.get(name);
  return {
    name,
    exists: fromConfig !== undefined || fromCredentials !== undefined,
    get: (key) => fromConfig?.get(key) ?? fromCredentials?.get(key),
  };
}
