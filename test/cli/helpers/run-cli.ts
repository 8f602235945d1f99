/**
 * Runs `node bin/kvideo ...` as a subprocess (the way users run it) with a controlled
 * environment: a private HOME (no ~/.aws of the machine leaks in), test credentials and region,
 * no EC2 metadata lookups, no pager. Also spawns it under `script` for terminal-only behaviour.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_CREDENTIALS, TEST_REGION } from '../../helpers/server.js';

export const BIN = fileURLToPath(new URL('../../../../bin/kvideo', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

export function tempHome(files: Record<string, string> = {}): string {
  const home = mkdtempSync(join(tmpdir(), 'kvideo-cli-home-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(home, rel, '..'), { recursive: true });
    writeFileSync(join(home, rel), text);
  }
  return home;
}

const emptyHome = tempHome();

export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: emptyHome,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: TEST_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function kvideo(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: options.env ?? cliEnv(),
        timeout: options.timeoutMs ?? 30_000,
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
        cwd: options.cwd ?? REPO,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({
          code,
          stdout: stdout.toString('utf8'),
          stdoutBytes: stdout,
          stderr: stderr.toString('utf8'),
        });
      },
    );
  });
}

/** The AWS CLI with the same environment (for byte-for-byte comparisons). */
export function aws(args: string[], env: NodeJS.ProcessEnv = cliEnv()): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile('aws', args, { env, timeout: 60_000, encoding: 'buffer' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({
        code,
        stdout: stdout.toString('utf8'),
        stdoutBytes: stdout,
        stderr: stderr.toString('utf8'),
      });
    });
  });
}

export const scriptMissing: string | false = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'util-linux script (for a pseudo-terminal) is not installed';
  }
})();

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs kvideo on a pseudo-terminal (stdin, stdout and stderr are the terminal). */
export function kvideoOnTty(args: string[], env: NodeJS.ProcessEnv = cliEnv()): ChildProcess {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return spawn('script', ['-qefc', command, '/dev/null'], { env: { ...env, TERM: 'dumb' }, cwd: REPO });
}

/** Output and exit code of a child; killed after `timeoutMs` so a test cannot hang on a prompt. */
export function collect(
  child: ChildProcess,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}
