/**
 * The load generator's HTTP: raw node:net sockets with the least work per byte, so the client
 * costs the same whether it talks to kvideo or to nginx. Control-plane calls (not measured) use
 * node:http. Responses are decoded just enough to count body bytes (chunked or Content-Length).
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

/** POSTs a JSON body to a control-plane path and returns the parsed response (throws on non-2xx). */
export function jsonCall(origin: string, path: string, body: object): Promise<Record<string, unknown>> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, origin),
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
        timeout: 30_000,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString();
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${path} → ${res.statusCode}: ${text}`));
          else resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export async function createStream(origin: string, name: string, retentionHours = 24): Promise<void> {
  await jsonCall(origin, '/createStream', { StreamName: name, DataRetentionInHours: retentionHours });
}

/**
 * Counts the body bytes of an HTTP/1.1 response: parses the head, then either Content-Length or
 * the chunked framing (payload bytes are skipped by arithmetic, never copied).
 */
export class ResponseCounter {
  status = 0;
  headers: Record<string, string> = {};
  bodyBytes = 0;
  complete = false;
  #head: Buffer[] = [];
  #inHead = true;
  #chunked = false;
  #contentLength = -1;
  // chunked state
  #chunkLeft = 0;
  #state: 'size' | 'data' | 'crlf' | 'trailer' = 'size';
  #sizeLine = '';
  /** Called with each piece of body bytes (chunk framing removed) when set. */
  onBody: ((data: Buffer) => void) | undefined;
  onHead: (() => void) | undefined;

  push(data: Buffer): void {
    let pos = 0;
    if (this.#inHead) {
      this.#head.push(data);
      const all = this.#head.length === 1 ? data : Buffer.concat(this.#head);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = all.toString('latin1', 0, end).split('\r\n');
      this.status = Number(lines[0]?.split(' ')[1]);
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        this.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      this.#chunked = /chunked/i.test(this.headers['transfer-encoding'] ?? '');
      this.#contentLength = this.headers['content-length'] ? Number(this.headers['content-length']) : -1;
      this.#inHead = false;
      this.#head = [];
      this.onHead?.();
      data = all;
      pos = end + 4;
    }
    if (!this.#chunked) {
      const n = data.length - pos;
      this.bodyBytes += n;
      if (n > 0) this.onBody?.(pos === 0 ? data : data.subarray(pos));
      if (this.#contentLength >= 0 && this.bodyBytes >= this.#contentLength) this.complete = true;
      return;
    }
    while (pos < data.length && !this.complete) {
      switch (this.#state) {
        case 'data': {
          const n = Math.min(this.#chunkLeft, data.length - pos);
          if (this.onBody) this.onBody(data.subarray(pos, pos + n));
          this.bodyBytes += n;
          this.#chunkLeft -= n;
          pos += n;
          if (this.#chunkLeft === 0) this.#state = 'crlf';
          break;
        }
        case 'crlf': {
          const nl = data.indexOf(10, pos);
          if (nl < 0) return;
          pos = nl + 1;
          this.#state = 'size';
          break;
        }
        case 'size': {
          const nl = data.indexOf(10, pos);
          if (nl < 0) {
            this.#sizeLine += data.toString('latin1', pos);
            return;
          }
          this.#sizeLine += data.toString('latin1', pos, nl);
          pos = nl + 1;
          const size = parseInt(this.#sizeLine, 16);
          this.#sizeLine = '';
          if (size === 0) this.#state = 'trailer';
          else {
            this.#chunkLeft = size;
            this.#state = 'data';
          }
          break;
        }
        case 'trailer':
          this.complete = true;
          return;
      }
    }
  }
}

export interface TimedRead {
  /** Request written → first body byte, milliseconds. */
  firstByteMs: number;
  /** Request written → `targetBytes` body bytes (or the end of the response), milliseconds. */
  totalMs: number;
  bodyBytes: number;
  status: number;
}

/**
 * Sends a raw request and reads the response, discarding the bytes, until `targetBytes` body
 * bytes arrived, the response ended, `idleMs` passed without data, or `timeoutMs` passed; then
 * closes the socket. `firstByteOnly` stops at the first body byte (for seek latency).
 */
export function timedRead(
  port: number,
  rawRequest: Buffer,
  options: {
    targetBytes?: number;
    idleMs?: number;
    timeoutMs: number;
    firstByteOnly?: boolean;
    onBody?: (data: Buffer) => void;
  },
): Promise<TimedRead> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    const counter = new ResponseCounter();
    if (options.onBody) counter.onBody = options.onBody;
    let t0 = 0;
    let first = -1;
    let idle: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      const end = performance.now();
      clearTimeout(idle);
      clearTimeout(overall);
      socket.destroy();
      if (err) reject(err);
      else
        resolve({
          firstByteMs: first < 0 ? NaN : first - t0,
          totalMs: end - t0,
          bodyBytes: counter.bodyBytes,
          status: counter.status,
        });
    };
    const overall = setTimeout(
      () => finish(new Error(`read timed out after ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const armIdle = (): void => {
      if (options.idleMs === undefined) return;
      clearTimeout(idle);
      idle = setTimeout(() => finish(), options.idleMs);
    };
    socket.once('connect', () => {
      t0 = performance.now();
      socket.write(rawRequest);
      armIdle();
    });
    socket.on('data', (data: Buffer) => {
      counter.push(data);
      if (first < 0 && counter.bodyBytes > 0) {
        first = performance.now();
        if (options.firstByteOnly) return finish();
      }
      if (counter.status >= 300 && counter.complete) return finish(new Error(`HTTP ${counter.status}`));
      if (
        counter.complete ||
        (options.targetBytes !== undefined && counter.bodyBytes >= options.targetBytes)
      ) {
        return finish();
      }
      armIdle();
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => {
      if (counter.status >= 300) finish(new Error(`HTTP ${counter.status}`));
      else finish();
    });
  });
}

export function getMediaRequest(host: string, streamName: string, startSelector: object): Buffer {
  const body = JSON.stringify({ StreamName: streamName, StartSelector: startSelector });
  return Buffer.from(
    `POST /getMedia HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function staticGetRequest(host: string, path: string): Buffer {
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
}

export interface Ack {
  EventType: string;
  FragmentTimecode?: number;
  FragmentNumber?: string;
  ErrorCode?: string;
}

/**
 * One PutMedia connection: raw socket, chunked request body, ACK lines parsed from the chunked
 * response as they arrive. `send` respects socket backpressure; `end` sends the final chunk.
 */
export class PutMediaConnection {
  readonly socket: Socket;
  readonly done: Promise<void>;
  onAck: ((ack: Ack, at: number) => void) | undefined;
  #text = '';
  #headSeen = false;
  status = 0;

  constructor(port: number, streamName: string, header: Buffer) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.write(
      `POST /putMedia HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\n` +
        `x-amzn-stream-name: ${streamName}\r\nx-amzn-fragment-timecode-type: ABSOLUTE\r\n` +
        `x-amzn-producer-start-timestamp: ${(Date.now() / 1000).toFixed(3)}\r\n\r\n`,
    );
    this.#writeChunk([header]);
    this.done = new Promise((resolve, reject) => {
      this.socket.on('error', reject);
      this.socket.on('close', () => resolve());
    });
    this.socket.on('data', (data: Buffer) => this.#onData(data));
  }

  #onData(data: Buffer): void {
    const at = performance.now();
    this.#text += data.toString('latin1');
    if (!this.#headSeen) {
      const end = this.#text.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.status = Number(this.#text.slice(9, 12));
      this.#text = this.#text.slice(end + 4);
      this.#headSeen = true;
      if (this.status !== 200) {
        this.onAck?.({ EventType: 'ERROR', ErrorCode: `HTTP ${this.status}` }, at);
        return;
      }
    }
    const nl = this.#text.lastIndexOf('\n');
    if (nl < 0) return;
    const complete = this.#text.slice(0, nl);
    this.#text = this.#text.slice(nl + 1);
    for (const line of complete.split('\n')) {
      if (line.startsWith('{')) this.onAck?.(JSON.parse(line) as Ack, at);
    }
  }

  #writeChunk(parts: Buffer[]): boolean {
    let size = 0;
    for (const p of parts) size += p.length;
    this.socket.cork();
    this.socket.write(`${size.toString(16)}\r\n`);
    for (const p of parts) this.socket.write(p);
    const ok = this.socket.write('\r\n');
    process.nextTick(() => this.socket.uncork());
    return ok;
  }

  /** Writes one cluster as one HTTP chunk; resolves when the socket can take more. */
  async send(parts: Buffer[]): Promise<void> {
    if (!this.#writeChunk(parts)) {
      await new Promise<void>((resolve) => {
        const onDrain = (): void => {
          this.socket.off('close', onDrain);
          resolve();
        };
        this.socket.once('drain', onDrain);
        this.socket.once('close', onDrain);
      });
    }
  }

  end(): void {
    this.socket.write('0\r\n\r\n');
  }
}
