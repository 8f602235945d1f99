/**
 * Cleans up after a test process that dies without running its `after` hooks (a test-runner
 * timeout, SIGKILL): a detached shell waits for this process to exit and then runs the given
 * shell commands (stop servers, remove temp dirs). `cancel()` ends the watcher after a normal
 * cleanup, so nothing runs twice.
 */
import { spawn } from 'node:child_process';

export function reapOnExit(commands: string): { cancel(): void } {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${commands}`;
  const watcher = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watcher.unref();
  return {
    cancel() {
      if (watcher.pid !== undefined && watcher.exitCode === null) {
        try {
          process.kill(watcher.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}
