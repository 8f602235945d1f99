/**
 * A raw-socket PutMedia client for tests: sends the body in the given pieces with HTTP/1.1
 * chunked framing and decodes the response's chunk framing itself, so tests can check that
 * every ACK is its own HTTP chunk (spec §0.1, §0.2, §5.6).
 */
import { connect, type Socket } from 'node:net';
import { decodeHttpResponse } from './http-chunks.js';

export interface Ack {
  EventType: string;
  FragmentTimecode?: number;
  FragmentNumber?: string;
  ErrorId?: number;
  ErrorCode?: string;
}

export interface PutMediaResult {
  status: number;
  headers: Record<string, string>;
  /** Each HTTP chunk of the response body, decoded. */
  chunks: string[];
  acks: Ack[];
  /** Raw body text for non-chunked (error) responses. */
  body: string;
}

export interface PutMediaRequest {
  endpoint: string;
  headers: Record<string, string>;
  /** Body pieces, each sent as one HTTP chunk. */
  pieces: readonly Uint8Array[];
  /** Milliseconds to wait between pieces. */
  delayMs?: number;
  /** Close the socket after sending the pieces, without the final zero-size chunk. */
  abortAfterPieces?: boolean;
  /** Keep the request open (no final chunk) for this long after the pieces, then end it. */
  holdOpenMs?: number;
  onAck?: (ack: Ack, socket: Socket) => void;
}

function parseResponse(raw: Buffer): PutMediaResult {
  const response = decodeHttpResponse(raw);
  const acks = response.body
    .split('\n')
    .filter((l) => l.trim() !== '' && response.headers['transfer-encoding'] === 'chunked')
    .map((l) => JSON.parse(l) as Ack);
  return { ...response, acks };
}

export function putMediaRaw(req: PutMediaRequest): Promise<PutMediaResult> {
  const url = new URL(req.endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    let seenAcks = 0;
    socket.on('data', (d) => {
      received.push(d);
      if (req.onAck) {
        const parsed = parseResponse(Buffer.concat(received));
        for (const ack of parsed.acks.slice(seenAcks)) req.onAck(ack, socket);
        seenAcks = parsed.acks.length;
      }
    });
    socket.on('error', (err) => {
      // A server that closes the connection after an ERROR ACK may reset our pending writes.
      if (
        (err as NodeJS.ErrnoException).code !== 'ECONNRESET' &&
        (err as NodeJS.ErrnoException).code !== 'EPIPE'
      ) {
        reject(err);
      }
    });
    socket.on('close', () => resolve(parseResponse(Buffer.concat(received))));
    const headerLines = Object.entries({
      host: url.host,
      'transfer-encoding': 'chunked',
      connection: 'close',
      ...req.headers,
    })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`POST /putMedia HTTP/1.1\r\n${headerLines}\r\n`);
    // Sleeps end early when the socket closes, so a vanished connection leaves no timer behind.
    // Each sleep removes its own 'close' listener when it ends (a producer pausing between many
    // pieces would otherwise pile up listeners: MaxListenersExceededWarning after ten).
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          socket.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        socket.once('close', done);
      });
    void (async () => {
      for (const piece of req.pieces) {
        if (socket.destroyed) return;
        if (piece.length > 0) {
          socket.write(`${piece.length.toString(16)}\r\n`);
          socket.write(piece);
          socket.write('\r\n');
        }
        if (req.delayMs) await pause(req.delayMs);
      }
      if (req.abortAfterPieces) {
        await pause(50);
        socket.destroy();
        return;
      }
      if (req.holdOpenMs) await pause(req.holdOpenMs);
      if (!socket.destroyed) socket.write('0\r\n\r\n');
    })();
  });
}

/** Splits `data` into pieces of at most `size` bytes. */
export function splitEvery(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}
