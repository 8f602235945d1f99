/**
 * Starts bench/server-child.ts as a separate process on a data directory and talks to it over
 * IPC: readiness (with how long opening the store took), CPU and memory snapshots, GC, clean stop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('../server-child.js', import.meta.url));

export interface CpuSnapshot {
  user: number;
  system: number;
}

export interface ServerStats {
  cpu: CpuSnapshot;
  memory: NodeJS.MemoryUsage;
}

export interface BenchServer {
  child: ChildProcess;
  pid: number;
  origin: string;
  port: number;
  /** Milliseconds from fork() to the ready message (node start + store open + listen). */
  spawnToReadyMs: number;
  /** Milliseconds inside the child from its first line to listening. */
  readyMs: number;
  stats(): Promise<ServerStats>;
  gc(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Write a V8 CPU profile into this directory when the server stops (node --cpu-prof). */
  cpuProfileDir?: string;
}

export function startServer(dataDir: string, options: StartOptions = {}): Promise<BenchServer> {
  const execArgv = ['--expose-gc', ...(process.env.KVIDEO_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  if (options.cpuProfileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  const t0 = performance.now();
  const child = fork(CHILD, [dataDir], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const pending = new Map<number, (message: Record<string, unknown>) => void>();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const request = (type: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`server did not answer ${type} within 30 s`));
      }, 30_000);
      pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.send({ type, id });
    });
  return new Promise((resolve, reject) => {
    const startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('server did not start within 300 s'));
    }, 300_000);
    child.once('exit', (code) => {
      clearTimeout(startTimer);
      reject(new Error(`server exited with ${code} before it was ready`));
    });
    child.on('message', (message: Record<string, unknown>) => {
      if (message.type === 'ready') {
        clearTimeout(startTimer);
        const origin = String(message.origin);
        resolve({
          child,
          pid: child.pid!,
          origin,
          port: Number(new URL(origin).port),
          spawnToReadyMs: performance.now() - t0,
          readyMs: Number(message.readyMs),
          async stats() {
            const m = await request('stats');
            return { cpu: m.cpu as CpuSnapshot, memory: m.memory as NodeJS.MemoryUsage };
          },
          async gc() {
            await request('gc');
          },
          async stop() {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.send({ type: 'stop' });
            const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
            await exited;
            clearTimeout(killer);
          },
        });
        return;
      }
      const id = message.id as number | undefined;
      if (id !== undefined) {
        pending.get(id)?.(message);
        pending.delete(id);
      }
    });
  });
}

/** CPU seconds (user + system) between two snapshots. */
export function cpuSeconds(before: CpuSnapshot, after: CpuSnapshot): number {
  return (after.user - before.user + after.system - before.system) / 1e6;
}
