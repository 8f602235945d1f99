/**
 * The storage part of GET /health: the stream metadata can be read and, for the file backend,
 * the data directory is writable. Cheap enough for a load balancer probing every few seconds.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';

export async function checkStorageHealth(
  meta: { list(): unknown[] },
  dataDir: string | undefined,
): Promise<{ ok: boolean; storage: { ok: boolean; streams?: number; error?: string } }> {
  try {
    const streams = meta.list().length;
    if (dataDir !== undefined) await access(dataDir, constants.W_OK);
    return { ok: true, storage: { ok: true, streams } };
  } catch (err) {
    return { ok: false, storage: { ok: false, error: (err as Error).message } };
  }
}
