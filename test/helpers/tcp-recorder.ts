/**
 * A loopback TCP proxy that records what the server sends back, for producers such as ffmpeg
 * that never show the PutMedia response. Half-closes upstream when the client finishes, so the
 * server's remaining ACKs are still recorded.
 */
import { connect, createServer, type AddressInfo, type Server } from 'node:net';

export interface Recorder {
  endpoint: string;
  /** Everything the server sent, per connection, in order. */
  responses(): Buffer[];
  close(): Promise<void>;
}

export async function startRecorder(target: string): Promise<Recorder> {
  const url = new URL(target);
  const responses: Buffer[][] = [];
  const server: Server = createServer((client) => {
    const received: Buffer[] = [];
    responses.push(received);
    const upstream = connect(Number(url.port), url.hostname);
    client.on('data', (d) => upstream.write(d));
    client.on('end', () => upstream.end());
    client.on('error', () => upstream.end());
    upstream.on('data', (d) => {
      received.push(d);
      if (!client.destroyed && client.writable) client.write(d);
    });
    upstream.on('end', () => client.end());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    responses: () => responses.map((parts) => Buffer.concat(parts)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
