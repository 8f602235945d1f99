/**
 * Writes command output to stdout, through the client-side pager when one is configured
 * (AWS_PAGER or the profile's cli_pager, as in AWS CLI v2) and stdout is a terminal.
 * `--no-cli-pager` turns it off. AWS CLI v1 (the reference here) has no pager, and kvideo has
 * no default pager either, so scripts and pipes never wait on one.
 */
import { spawn } from 'node:child_process';

/** Writes to stdout and waits until it is flushed; a closed pipe (EPIPE) is ignored. */
export function writeStdout(text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => {
      if (err && (err as NodeJS.ErrnoException).code !== 'EPIPE') reject(err);
      else resolve();
    });
  });
}

export async function printOutput(text: string, pager: string | undefined): Promise<void> {
  if (!pager || !process.stdout.isTTY || text === '') return writeStdout(text);
  const child = spawn(pager, {
    shell: true,
    stdio: ['pipe', 'inherit', 'inherit'],
    // v2 sets LESS=FRX so short output does not wait for a keypress.
    env: { LESS: 'FRX', ...process.env },
  });
  const exited = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', () => resolve());
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(text);
  await exited;
}
