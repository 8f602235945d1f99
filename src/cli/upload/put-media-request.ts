/**
 * One PutMedia HTTP exchange (spec §5.1, §5.6): a chunked POST whose body is streamed while the
 * 200 response streams ACK lines back. Resolves with how the exchange ended; it never rejects
 * and never leaves a wait unresolved, so the command always gets an outcome to report (a pending
 * `drain` after a failed connection once let the process exit 0 with nothing printed).
 *
 * Outcomes:
 * - `completed`: the service finished the ACK stream (after the body ended, or early after an
 *   ERROR ACK; writing stops as soon as the response ends).
 * - `refused`: a non-200 answer (its body is read for the AWS error).
 * - `unreachable`: no response at all (refused connection, unknown host, TLS, connect timeout).
 * - `broken`: the 200 came but the connection failed before the ACK stream ended.
 * - `interrupted`: Ctrl-C.
 * - `source`: the input could not be read.
 *
 * Must not know what the ACKs mean (the caller's onLine does) nor how outcomes are printed.
 */
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { uploadBody } from './body-source.js';
import { AckLines, type AckLine } from './ack-lines.js';

export type UploadOutcome =
  | { kind: 'completed' }
  | { kind: 'refused'; status: number; headers: Record<string, string>; body: Buffer }
  | { kind: 'unreachable'; error: Error }
  | { kind: 'broken'; error: Error }
  | { kind: 'interrupted' }
  | { kind: 'source'; error: Error };

export interface UploadRequest {
  url: URL;
  headers: Record<string, string>;
  source: Readable;
  live: boolean;
  tls: object;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  interrupt: AbortSignal;
  onCluster(): void;
  /** Each ACK line, in order; may be async (printing), and is awaited before the outcome. */
  onLine(line: AckLine): Promise<void> | void;
}

const timeoutError = (what: string): Error => Object.assign(new Error(what), { name: 'TimeoutError' });

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of res) parts.push(chunk as Buffer);
  } catch {
    // A refusal whose body broke off: what arrived is all there is to show.
  }
  return Buffer.concat(parts);
}

export function sendPutMedia(o: UploadRequest): Promise<UploadOutcome> {
  const https = o.url.protocol === 'https:';
  const request = (https ? httpsRequest : httpRequest)(o.url, {
    method: 'POST',
    headers: o.headers,
    // Not `agent: false`: that sends `Connection: close`, and the server would close the
    // connection as soon as its response ends, with the rest of our body unread (a reset).
    ...(https ? o.tls : {}),
  });
  // Aborted when the exchange is over for any reason: the body stops being read and sent.
  const stop = new AbortController();
  let settle!: (outcome: UploadOutcome) => void;
  const outcome = new Promise<UploadOutcome>((resolve) => {
    settle = (value) => {
      stop.abort();
      resolve(value);
    };
  });
  let printing: Promise<void> = Promise.resolve();
  let responded = false;
  let sourceError: Error | undefined;

  // --cli-connect-timeout until connected, then --cli-read-timeout of socket inactivity.
  const connectTimer = o.connectTimeoutMs
    ? setTimeout(() => request.destroy(timeoutError('connect')), o.connectTimeoutMs)
    : undefined;
  request.on('socket', (socket) => {
    socket.once('connect', () => clearTimeout(connectTimer));
    socket.once('secureConnect', () => clearTimeout(connectTimer));
    if (o.readTimeoutMs) {
      socket.setTimeout(o.readTimeoutMs, () => request.destroy(timeoutError('read')));
    }
  });
  const onInterrupt = (): void => {
    settle({ kind: 'interrupted' });
    request.destroy();
  };
  o.interrupt.addEventListener('abort', onInterrupt, { once: true });
  void outcome.then(() => {
    clearTimeout(connectTimer);
    o.interrupt.removeEventListener('abort', onInterrupt);
  });

  let requestError: Error | undefined;
  request.on('error', (error) => {
    requestError ??= error;
    // After a 200 the response's own end or failure decides (it may still hold ACKs).
    if (!responded)
      settle(sourceError ? { kind: 'source', error: sourceError } : { kind: 'unreachable', error });
  });
  request.on('close', () => {
    if (!responded) {
      settle(
        sourceError
          ? { kind: 'source', error: sourceError }
          : { kind: 'unreachable', error: new Error('socket hang up') },
      );
    }
  });
  request.on('response', (res) => {
    responded = true;
    if (res.statusCode !== 200) {
      // Stop sending; the error body is read in full before anything is torn down.
      stop.abort();
      void readAll(res).then((body) =>
        settle({
          kind: 'refused',
          status: res.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
          body,
        }),
      );
      return;
    }
    const lines = new AckLines();
    const deliver = (batch: AckLine[]): void => {
      for (const line of batch) printing = printing.then(() => o.onLine(line));
    };
    res.setEncoding('utf8');
    res.on('data', (text: string) => deliver(lines.push(text)));
    res.on('end', () => {
      deliver(lines.end());
      void printing.then(() => settle({ kind: 'completed' }));
    });
    // 'close' without 'end': the connection failed mid-stream (Node also emits 'error' then).
    let failure: Error | undefined;
    res.on('error', (err) => (failure = err));
    res.on('close', () => {
      if (res.complete) return;
      // The request's own error says more (a read timeout, EPIPE) than the response's "aborted".
      const error = requestError ?? failure ?? Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
      void printing.then(() =>
        settle(sourceError ? { kind: 'source', error: sourceError } : { kind: 'broken', error }),
      );
    });
  });

  void (async () => {
    try {
      const body = uploadBody(o.source, { live: o.live, signal: stop.signal, onCluster: o.onCluster });
      for await (const chunk of body) {
        if (stop.signal.aborted) break;
        if (!request.write(chunk)) {
          await once(request, 'drain', { signal: stop.signal }).catch(() => undefined);
        }
      }
      if (!stop.signal.aborted) request.end();
    } catch (err) {
      sourceError = err as Error;
      request.destroy(sourceError);
    }
  })();
  // Every wait above also ends when the request closes.
  request.once('close', () => stop.abort());

  return outcome.finally(() => {
    // Nothing more to send or read: release the connection (after 'end' this is a no-op).
    if (!request.destroyed) request.destroy();
  });
}
