/**
 * A minimal raw PutMedia client for the security tests: any request target (presigned URLs carry
 * a query string) over plain TCP or TLS, chunked body, whole response decoded at the end.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { decodeHttpResponse } from '../helpers/http-chunks.js';
import type { Ack } from '../helpers/put-media.js';

export interface RawPutMediaResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  acks: Ack[];
}

export function putMediaTo(options: {
  endpoint: string;
  /** Request target; default /putMedia. */
  target?: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** CA for https endpoints. */
  ca?: string | Buffer;
  timeoutMs?: number;
}): Promise<RawPutMediaResult> {
  const url = new URL(options.endpoint);
  return new Promise((resolve, reject) => {
    const port = Number(url.port);
    const socket: Socket =
      url.protocol === 'https:'
        ? tlsConnect({ host: url.hostname, port, ...(options.ca ? { ca: options.ca } : {}) })
        : netConnect(port, url.hostname);
    const received: Buffer[] = [];
    const timer = setTimeout(
      () => socket.destroy(new Error('PutMedia timed out')),
      options.timeoutMs ?? 15_000,
    );
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const res = decodeHttpResponse(Buffer.concat(received));
      const acks =
        res.headers['transfer-encoding'] === 'chunked'
          ? res.body
              .split('\n')
              .filter((l) => l.trim() !== '')
              .map((l) => JSON.parse(l) as Ack)
          : [];
      resolve({ status: res.status, headers: res.headers, body: res.body, acks });
    });
    const headers = {
      host: url.host,
      'transfer-encoding': 'chunked',
      connection: 'close',
      ...options.headers,
    };
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`POST ${options.target ?? '/putMedia'} HTTP/1.1\r\n${head}\r\n`);
    socket.write(`${options.body.length.toString(16)}\r\n`);
    socket.write(options.body);
    socket.write('\r\n0\r\n\r\n');
  });
}
