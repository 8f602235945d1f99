/** Temporary data directories for storage tests, removed again by the returned cleanup. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kvideo-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
