/**
 * HTTP framing of PutMedia (spec §0.1, §0.2, §5.6): header errors are normal AWS error
 * responses; otherwise a 200 with `Transfer-Encoding: chunked` goes out before the body is read,
 * and every ACK is one compact JSON line written as its own HTTP chunk.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { startPutMedia } from '../actions/media/put-media.js';
import type { ActionServices, RequestContext } from '../actions/index.js';
import { requestIdHeaders } from './responses.js';

/** How long the rest of a refused body is drained before the connection is closed. */
const LINGER_MS = 2000;

export function putMediaRoute(services: ActionServices) {
  return async (
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    body: Readable = req,
  ): Promise<void> => {
    const handle = startPutMedia(req.headers, services, ctx);
    // 'close' follows 'finish' (final chunk handed to the OS) or an aborted connection.
    res.once('close', () => handle.close());
    res.writeHead(200, {
      ...requestIdHeaders(ctx.requestId),
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    let acks = 0;
    await handle.run(
      body,
      (ack) => {
        acks += 1;
        if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(ack)}\n`);
        if (ack.EventType === 'ERROR') ctx.logFields.ackError = ack.ErrorCode;
      },
      // node sets `complete` once the terminating chunk (or the Content-Length end) was parsed,
      // even if the producer resets the connection before 'end' is emitted.
      { bodyComplete: () => req.complete },
    );
    ctx.logFields.acks = acks;
    // Captured before end(): the socket is detached from req/res by the time 'finish' fires.
    const socket = res.socket ?? req.socket;
    res.end();
    // A body we stopped reading (after an ERROR) must not keep the connection busy, but closing
    // at once with the producer's bytes unread makes the kernel answer them with a reset, and a
    // reset can destroy ACKs the producer has not read yet, the ERROR line among them (kvideo
    // put-media lost it in 6 of 10 runs). So the rest is read and discarded for a moment, as
    // HTTP servers do before closing ("lingering close"): the producer sees the response end,
    // stops sending and closes; a producer that keeps sending is cut off after LINGER_MS.
    if (!req.readableEnded) {
      res.once('finish', () => {
        const timer = setTimeout(() => socket?.destroy(), LINGER_MS);
        const done = (): void => {
          clearTimeout(timer);
          socket?.destroySoon();
        };
        req.once('end', done);
        socket?.once('close', () => clearTimeout(timer));
        req.resume();
      });
    }
  };
}
