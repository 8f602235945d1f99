/** One server per data directory; a crashed owner's lock is taken over. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openFileStorage } from '../../../src/storage/index.js';

test('a second open of the same data dir fails; close releases it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvideo-lock-'));
  try {
    const first = await openFileStorage({ dataDir: dir });
    // A lock held by another live process (our parent, the test runner) must be refused.
    writeFileSync(join(dir, 'LOCK'), String(process.ppid));
    await assert.rejects(openFileStorage({ dataDir: dir }), /in use by process/);
    writeFileSync(join(dir, 'LOCK'), String(process.pid));
    await first.close();
    assert.equal(existsSync(join(dir, 'LOCK')), false);
    const again = await openFileStorage({ dataDir: dir });
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a dead process is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvideo-lock-'));
  try {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, 'LOCK'), dead.stdout.toString());
    const storage = await openFileStorage({ dataDir: dir });
    await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
