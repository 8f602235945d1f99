/**
 * A streamed (PutMedia) body whose SHA-256 the client signed in `x-amz-content-sha256`: the
 * signature covers only the declared value, so the bytes are read and hashed before anything is
 * ingested, and a body that does not match is refused with 403 like any other altered request
 * (issue #11: otherwise a captured request could be replayed with any body for 5 minutes).
 * Verifying after ingest would be too late (fragments would already be PERSISTED), so the body is
 * held in memory, counted against the server-wide ingest budget; producers that stream sign the
 * empty-string hash or a streaming marker instead (spec §4) and never take this path.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { invalidSignature } from '../auth/index.js';
import { KvsError } from '../core/errors.js';
import type { MemoryBudget } from '../core/memory-budget.js';

export const BODY_HASH_MISMATCH =
  "The provided 'x-amz-content-sha256' header does not match what was computed.";

/** Reads the whole body, checks its SHA-256 against `expectedHex`, and replays it as a stream. */
export function readVerifiedBody(
  req: IncomingMessage,
  expectedHex: string,
  budget: MemoryBudget,
  idleTimeoutMs: number,
): Promise<Readable> {
  const account = budget.account();
  const hash = createHash('sha256');
  const parts: Buffer[] = [];
  let size = 0;
  return new Promise<Readable>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const fail = (err: Error): void => {
      clearTimeout(timer);
      req.off('data', onData);
      parts.length = 0;
      account.close();
      req.resume(); // drain, so the error can still be answered
      reject(err);
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(
        () => fail(new KvsError('RequestTimeoutException', 'Timed out reading the request body.', 408)),
        idleTimeoutMs,
      );
    };
    const onData = (chunk: Buffer): void => {
      arm();
      size += chunk.length;
      if (!account.set(size)) {
        fail(
          new KvsError(
            'ClientLimitExceededException',
            'A PutMedia body signed with its SHA-256 is verified before it is ingested and must fit in ' +
              'the ingest memory budget; stream it signed with the empty-string hash instead (spec §4).',
            413,
          ),
        );
        return;
      }
      hash.update(chunk);
      parts.push(chunk);
    };
    arm();
    req.on('data', onData);
    req.once('error', fail);
    req.once('close', () => {
      if (!req.complete) fail(new KvsError('SerializationException', 'The request body was cut off.', 400));
    });
    req.once('end', () => {
      clearTimeout(timer);
      const digest = hash.digest();
      const expected = Buffer.from(expectedHex, 'hex');
      // The ingest session accounts for what it holds from here on.
      account.close();
      if (expected.length !== digest.length || !timingSafeEqual(expected, digest)) {
        parts.length = 0;
        reject(invalidSignature(BODY_HASH_MISMATCH));
        return;
      }
      resolve(Readable.from(parts, { objectMode: false }));
    });
  });
}
