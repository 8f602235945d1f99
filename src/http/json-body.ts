/** Reads a bounded JSON request body; malformed or oversized bodies become AWS-style errors. */
import type { IncomingMessage } from 'node:http';
import { KvsError } from '../core/errors.js';

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export async function readJsonBody(req: IncomingMessage, limit = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new KvsError('SerializationException', `Request body larger than ${limit} bytes.`, 413);
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new KvsError('SerializationException', `Request body larger than ${limit} bytes.`, 413);
    parts.push(chunk as Buffer);
  }
  const text = Buffer.concat(parts).toString('utf8').trim();
  // SDKs send "{}" for operations without members; an empty body means the same.
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KvsError('SerializationException', 'The request body is not valid JSON.', 400);
  }
}
