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

export function putMediaRoute(services: ActionServices) {
  return async (
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    body: Readable = req,
  ): Promise<void> => {
    const handle = startPutMedia(req.headers, services, ctx);
    res.writeHead(200, {
      ...requestIdHeaders(ctx.requestId),
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    let acks = 0;
    await handle.run(body, (ack) => {
      acks += 1;
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(ack)}\n`);
      if (ack.EventType === 'ERROR') ctx.logFields.ackError = ack.ErrorCode;
    });
    ctx.logFields.acks = acks;
    // Captured before end(): the socket is detached from req/res by the time 'finish' fires.
    const socket = res.socket ?? req.socket;
    res.end();
    // A body we stopped reading (after an ERROR) must not keep the connection busy.
    if (!req.readableEnded) res.once('finish', () => socket?.destroySoon());
  };
}
