/**
 * Is meta.lmdb readable? LMDB trusts its file: a damaged page can crash the process with SIGSEGV
 * before any log line, or throw deep in a read (issue #11). So before the server opens the index,
 * a child process opens it read-only and reads every entry (index-probe-child.ts); an exit other
 * than 0, a signal or a timeout means the index is unreadable and must be rebuilt from the
 * segments. Costs one short-lived node process per start (figures in docs/reliability.md).
 * Must not know what the entries mean.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./index-probe-child.js', import.meta.url));
const PROBE_TIMEOUT_MS = 120_000;

export type ProbeResult = { readable: true; entries: number } | { readable: false; reason: string };

export function probeIndex(path: string): Promise<ProbeResult> {
  if (!existsSync(path)) return Promise.resolve({ readable: true, entries: 0 });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ readable: false, reason: `probe could not run: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        const counts = (JSON.parse(out || '{}') as { counts?: Record<string, number> }).counts ?? {};
        // The three fragment sub-databases are written in one transaction each time: different
        // sizes mean pages were lost, even though every page that is left reads fine.
        const [fragments, byProducer, byServer] = ['fragments', 'by-producer-ts', 'by-server-ts'].map(
          (name) => counts[name] ?? 0,
        );
        if (fragments !== byProducer || fragments !== byServer) {
          resolve({
            readable: false,
            reason: `index inconsistent: ${fragments} fragments, ${byProducer} and ${byServer} timestamp keys`,
          });
          return;
        }
        resolve({ readable: true, entries: Object.values(counts).reduce((a, b) => a + b, 0) });
        return;
      }
      const last = err.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
      resolve({
        readable: false,
        reason: signal
          ? `reading the index crashed (${signal})`
          : `reading the index failed: ${last || `exit ${code}`}`,
      });
    });
  });
}
