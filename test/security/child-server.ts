/**
 * Child processes for the security and hostile-client tests: `kvideo serve` with any flags (for
 * --auth/--tls-*), or an in-code server with options the CLI does not expose (short HTTP
 * timeouts), so a test can measure the server's own memory (RSS from /proc) and kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/kvideo', import.meta.url));
const MAIN = fileURLToPath(new URL('./child-server-main.js', import.meta.url));

export interface Child {
  child: ChildProcess;
  endpoint: string;
  /** Resident set size of the server process, in bytes (Linux /proc). */
  rss(): number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Child> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time: ${out}${err}`));
    }, 20_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /"origin":"(https?:\/\/[^"]+)"/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({
        child,
        endpoint: match[1]!,
        rss: () => {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
        },
        stop: (signal = 'SIGKILL') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${out}${err}`));
    });
  });
}

/** `kvideo serve --port 0 ...args`. */
export function spawnKvideo(args: string[]): Promise<Child> {
  // The listening line (with the origin) is logged at info; later request lines are discarded.
  return start(process.execPath, [BIN, 'serve', '--port', '0', ...args]);
}

/** A server built with createKvideoServer(options) in a child (options must be JSON). */
export function spawnServerWith(options: object, ulimitFiles?: number): Promise<Child> {
  const json = JSON.stringify(options);
  if (ulimitFiles === undefined) return start(process.execPath, [MAIN, json]);
  // Raise the descriptor limit for this child only (bounded: the caller passes the number).
  return start('/bin/sh', [
    '-c',
    `ulimit -n ${ulimitFiles} 2>/dev/null; exec "$0" "$1" "$2"`,
    process.execPath,
    MAIN,
    json,
  ]);
}
