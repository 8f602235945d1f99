/**
 * `kvideo put-media`: sends a Matroska file or stdin to PutMedia as one chunked upload, optionally
 * paced in real time by cluster timecodes (`--live`), prints every ACK as a JSON line on stdout,
 * and exits non-zero when the server sends an ERROR ACK (1) or refuses the request (255).
 */
import { createReadStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { KinesisVideoClient, GetDataEndpointCommand } from '@aws-sdk/client-kinesis-video';
import { MkvIngestParser } from '../../mkv/ingest-parser.js';
import { signStreamingRequest } from '../sign.js';

export const PUT_MEDIA_USAGE = `usage: kvideo put-media (--stream-name NAME | --stream-arn ARN) [options] FILE|-

  --endpoint-url URL             data endpoint (default: ask GetDataEndpoint with API PUT_MEDIA)
  --region REGION                signing region (default: AWS_REGION, AWS_DEFAULT_REGION or us-west-2)
  --profile NAME                 credentials profile
  --no-sign-request              send the request unsigned
  --live                         pace the upload in real time by cluster timecodes
  --fragment-timecode-type T     ABSOLUTE or RELATIVE (default RELATIVE)
  --producer-start-timestamp S   epoch seconds of timecode 0 for RELATIVE (default: now)
`;

interface Options {
  streamName?: string;
  streamArn?: string;
  endpoint?: string;
  region: string;
  profile?: string;
  sign: boolean;
  live: boolean;
  timecodeType: string;
  startTimestamp: string;
  file: string;
}

function parse(argv: string[]): Options | string {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'stream-name': { type: 'string' },
      'stream-arn': { type: 'string' },
      'endpoint-url': { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
      'no-sign-request': { type: 'boolean' },
      live: { type: 'boolean' },
      'fragment-timecode-type': { type: 'string' },
      'producer-start-timestamp': { type: 'string' },
    },
  });
  if (!values['stream-name'] && !values['stream-arn'])
    return 'one of --stream-name or --stream-arn is required';
  if (positionals.length !== 1) return 'exactly one FILE (or - for stdin) is required';
  const timecodeType = values['fragment-timecode-type'] ?? 'RELATIVE';
  if (timecodeType !== 'ABSOLUTE' && timecodeType !== 'RELATIVE') {
    return `--fragment-timecode-type must be ABSOLUTE or RELATIVE, not ${timecodeType}`;
  }
  return {
    streamName: values['stream-name'],
    streamArn: values['stream-arn'],
    endpoint: values['endpoint-url'],
    region: values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-west-2',
    profile: values.profile,
    sign: !values['no-sign-request'],
    live: values.live ?? false,
    timecodeType,
    startTimestamp: values['producer-start-timestamp'] ?? (Date.now() / 1000).toFixed(3),
    file: positionals[0]!,
  };
}

async function dataEndpoint(o: Options): Promise<string> {
  const client = new KinesisVideoClient({ region: o.region, ...(o.profile ? { profile: o.profile } : {}) });
  try {
    const out = await client.send(
      new GetDataEndpointCommand({ StreamName: o.streamName, StreamARN: o.streamArn, APIName: 'PUT_MEDIA' }),
    );
    if (!out.DataEndpoint) throw new Error('GetDataEndpoint returned no endpoint');
    return out.DataEndpoint;
  } finally {
    client.destroy();
  }
}

/** Delays each input chunk that opens a cluster until its timecode is due in wall-clock time. */
async function* paced(source: Readable): AsyncGenerator<Buffer> {
  const parser = new MkvIngestParser();
  let msPerTick = 1;
  let origin: { wallMs: number; tick: number } | undefined;
  for await (const chunk of source) {
    for (const event of parser.push(chunk as Buffer)) {
      if (event.type === 'header') msPerTick = event.timecodeScaleNs / 1e6;
      if (event.type !== 'clusterStart') continue;
      origin ??= { wallMs: Date.now(), tick: event.timecode };
      const due = origin.wallMs + (event.timecode - origin.tick) * msPerTick - Date.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
    }
    yield chunk as Buffer;
  }
}

async function readAll(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) text += String(chunk);
  return text;
}

export async function putMediaCommand(argv: string[]): Promise<number> {
  const o = parse(argv);
  if (typeof o === 'string') {
    process.stderr.write(`${PUT_MEDIA_USAGE}\nkvideo put-media: error: ${o}\n`);
    return 252;
  }
  const url = new URL('/putMedia', o.endpoint ?? (await dataEndpoint(o)));
  let headers: Record<string, string> = {
    'x-amzn-fragment-timecode-type': o.timecodeType,
    'x-amzn-producer-start-timestamp': o.startTimestamp,
    'transfer-encoding': 'chunked',
    'user-agent': 'kvideo-cli/0.1.0',
  };
  if (o.streamName) headers['x-amzn-stream-name'] = o.streamName;
  if (o.streamArn) headers['x-amzn-stream-arn'] = o.streamArn;
  if (o.sign) headers = await signStreamingRequest(url, headers, { region: o.region, profile: o.profile });

  const source: Readable = o.file === '-' ? process.stdin : createReadStream(o.file);
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers });

  const outcome = new Promise<number>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (res) => {
      if (res.statusCode !== 200) {
        void readAll(res).then((text) => {
          let message = text;
          try {
            const body = JSON.parse(text) as { Message?: string; message?: string };
            message = body.Message ?? body.message ?? text;
          } catch {
            // not JSON: print the raw text
          }
          const code = String(res.headers['x-amzn-errortype'] ?? res.statusCode).split(':')[0];
          process.stderr.write(
            `\nAn error occurred (${code}) when calling the PutMedia operation: ${message}\n`,
          );
          source.destroy();
          resolve(255);
        }, reject);
        return;
      }
      let sawError = false;
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        pending += text;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (!line) continue;
          process.stdout.write(`${line}\n`);
          if ((JSON.parse(line) as { EventType?: string }).EventType === 'ERROR') sawError = true;
        }
      });
      res.on('end', () => {
        // The server ends the ACK stream after an ERROR or an idle timeout: stop sending.
        source.destroy();
        resolve(sawError ? 1 : 0);
      });
      res.on('error', reject);
    });
  });

  const body = o.live ? paced(source) : source;
  try {
    for await (const chunk of body) {
      if (!request.write(chunk)) await new Promise((r) => request.once('drain', r));
    }
    request.end();
  } catch (err) {
    // The server closed the request (after an ERROR ACK) or the source failed; outcome tells which.
    if (!request.destroyed) request.destroy(err as Error);
  }
  return outcome;
}
