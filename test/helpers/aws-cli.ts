/** Runs the real AWS CLI against a kvideo endpoint with dummy credentials; detects its absence. */
import { execFile, execFileSync } from 'node:child_process';
import { TEST_CREDENTIALS, TEST_REGION } from './server.js';

export const awsCliMissing: string | false = (() => {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'the AWS CLI (aws) is not installed';
  }
})();

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function awsEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: TEST_REGION,
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    ...extra,
  };
}

export function runAws(args: string[], endpoint: string, env = awsEnv()): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      [...args, '--endpoint-url', endpoint, '--output', 'json'],
      { env, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
