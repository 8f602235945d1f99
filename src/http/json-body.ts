/** Reads a bounded JSON request body; malformed or oversized bodies become AWS-style errors. */
import type { IncomingMessage } from 'node:http';
import { KvsError } from '../core/errors.js';

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * The raw body bytes (SigV4 hashes exactly these), at most `limit` of them. On overflow the rest
 * of the body is drained, not left unread: a request stream that is neither read nor destroyed
 * would hold its connection open for good.
 */
export function readBodyBytes(req: IncomingMessage, limit = MAX_JSON_BODY_BYTES): Promise<Buffer> {
  const tooLarge = (): KvsError =>
    new KvsError('SerializationException', `Request body larger than ${limit} bytes.`, 413);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        parts.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(parts)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new KvsError('SerializationException', 'The request body was cut off.', 400));
    });
  });
}

export function parseJsonBody(bytes: Buffer): unknown {
  const text = bytes.toString('utf8').trim();
  // SDKs send "{}" for operations without members; an empty body means the same.
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KvsError('SerializationException', 'The request body is not valid JSON.', 400);
  }
}

export async function readJsonBody(req: IncomingMessage, limit = MAX_JSON_BODY_BYTES): Promise<unknown> {
  return parseJsonBody(await readBodyBytes(req, limit));
}
