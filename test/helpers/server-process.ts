/** Runs `kvideo serve` as a child process (for kill -9 tests) and finds its bound origin. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/kvideo', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  endpoint: string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnServer(dataDir: string, extraArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /"origin":"(http:\/\/[^"]+)"/.exec(out);
      if (match) {
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({
          child,
          endpoint: match[1]!,
          kill: (signal = 'SIGKILL') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}${err}`)));
  });
}
