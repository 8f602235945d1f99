/**
 * One server per data directory, by an OS lock on LOCK (issue #11): a second open is refused
 * whatever the file says, even from a process that finds its own pid in it (PID namespaces);
 * the lock goes with its holder (close, exit, kill -9); nobody deletes a lock file.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { openFileStorage } from '../../../src/storage/index.js';

const INDEX = fileURLToPath(new URL('../../../src/storage/index.js', import.meta.url));

/** Runs a child that writes its own pid into LOCK (as a PID-1 twin would find) and opens the dir. */
function openFromChild(dir: string): { status: number | null; out: string } {
  const script = `
    import { writeFileSync } from 'node:fs';
    const { openFileStorage } = await import(${JSON.stringify(INDEX)});
    writeFileSync(${JSON.stringify(join(dir, 'LOCK'))}, String(process.pid));
    try { const s = await openFileStorage({ dataDir: ${JSON.stringify(dir)} }); await s.close(); console.log('opened'); }
    catch (err) { console.log('refused: ' + err.message); }`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, out: run.stdout.trim() };
}

test('a second open of the same data dir fails; close releases it; LOCK is never deleted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvideo-lock-'));
  try {
    const first = await openFileStorage({ dataDir: dir });
    await assert.rejects(openFileStorage({ dataDir: dir }), /in use by process/);
    // Whatever the file says (our own pid, a dead pid), the OS lock decides.
    writeFileSync(join(dir, 'LOCK'), String(process.pid));
    await assert.rejects(openFileStorage({ dataDir: dir }), /in use/);
    await first.close();
    assert.equal(existsSync(join(dir, 'LOCK')), true, 'the lock file stays');
    const again = await openFileStorage({ dataDir: dir });
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a process that finds its own pid in LOCK does not take over a live owner', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvideo-lock-'));
  try {
    const owner = await openFileStorage({ dataDir: dir });
    try {
      const child = openFromChild(dir);
      assert.equal(child.status, 0);
      assert.match(child.out, /^refused: .*in use/);
      assert.equal(existsSync(join(dir, 'LOCK')), true, 'the refused process deleted nothing');
      // ...and so a third one is refused as well.
      assert.match(openFromChild(dir).out, /^refused/);
    } finally {
      await owner.close();
    }
    assert.equal(openFromChild(dir).out, 'opened', 'free once the owner closed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock held by a process killed with SIGKILL is free at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvideo-lock-'));
  try {
    const script = `
      const { openFileStorage } = await import(${JSON.stringify(INDEX)});
      await openFileStorage({ dataDir: ${JSON.stringify(dir)} });
      console.log('locked');
      setInterval(() => {}, 1000);`;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      holder.once('exit', () => reject(new Error('holder exited early')));
    });
    await assert.rejects(openFileStorage({ dataDir: dir }), /in use/);
    const exited = new Promise((r) => holder.once('exit', r));
    holder.kill('SIGKILL');
    await exited;
    const storage = await openFileStorage({ dataDir: dir });
    await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
