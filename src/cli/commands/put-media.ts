/**
 * `kvideo put-media`: sends a Matroska file or stdin to PutMedia as one chunked upload,
 * optionally paced in real time by cluster timecodes (`--live`), prints every ACK as it arrives,
 * and exits 1 when the server sends an ERROR ACK, 255 when it refuses the request. No AWS CLI
 * command exists for PutMedia (botocore does not model it); the global options work as for
 * every other command: region, profile and credentials, --endpoint-url (else GetDataEndpoint
 * with PUT_MEDIA), --no-sign-request, timeouts, TLS options, --debug, --output and --query
 * (applied to each ACK; with json each ACK is one compact JSON line, as the service sends it).
 */
import { createReadStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { MkvIngestParser } from '../../mkv/ingest-parser.js';
import type { ArgDef } from '../args/arg-table.js';
import { parseInvocation } from '../args/invocation.js';
import { serviceErrorMessage, transportErrorMessage } from '../aws/call-errors.js';
import { resolveDataEndpoint } from '../aws/data-endpoint.js';
import { AwsSession } from '../aws/session.js';
import { formatOptions, type CommandDef } from '../command.js';
import { CliError, EXIT } from '../errors.js';
import { renderCommandHelp } from '../help/render.js';
import { formatResponse } from '../output/formatter.js';
import { printOutput } from '../output/pager.js';
import { parsePyJson } from '../output/py-json.js';

const TABLE: ArgDef[] = [
  { name: 'stream-name', kind: 'value', docType: 'string', help: 'Name of the stream to write to.' },
  { name: 'stream-arn', kind: 'value', docType: 'string', help: 'ARN of the stream to write to.' },
  {
    name: 'live',
    kind: 'flag',
    docType: 'boolean',
    help: 'Pace the upload in real time by cluster timecodes.',
  },
  {
    name: 'fragment-timecode-type',
    kind: 'value',
    choices: ['ABSOLUTE', 'RELATIVE'],
    docType: 'string',
    help: 'ABSOLUTE or RELATIVE (default RELATIVE): how cluster timecodes relate to the producer start.',
  },
  {
    name: 'producer-start-timestamp',
    kind: 'value',
    docType: 'string',
    help: 'Epoch seconds of timecode 0 for RELATIVE timecodes (default: now).',
  },
  {
    name: 'file',
    kind: 'value',
    positional: true,
    required: true,
    docType: 'string',
    help: 'Matroska file, or - for stdin.',
  },
];

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

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of res) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

export const putMedia: CommandDef = {
  name: 'put-media',
  service: 'kinesis-video-media',
  summary: 'Send a Matroska file or stdin to PutMedia and print the ACKs (no AWS CLI equivalent).',
  table: () => TABLE,
  help: {
    description:
      'Sends a Matroska (MKV) file or stdin to a stream with PutMedia, as one HTTP chunked upload, and ' +
      'prints each acknowledgement event (BUFFERING, RECEIVED, PERSISTED, ERROR, IDLE) as it arrives. ' +
      'Exit status: 0 when the upload completes, 1 after an ERROR acknowledgement, 255 when the ' +
      'request is refused. Without --endpoint-url, kvideo first calls GetDataEndpoint (APIName PUT_MEDIA).',
  },
  async run(argv, ctx) {
    const inv = await parseInvocation('kinesis-video-media', TABLE, argv, ctx.globals);
    if (inv === 'help') {
      await printOutput(renderCommandHelp(putMedia), ctx.globals.pager);
      return EXIT.ok;
    }
    const v = inv.values;
    const streamName = v.get('stream-name') as string | undefined;
    const streamArn = v.get('stream-arn') as string | undefined;
    if (!streamName && !streamArn) throw new CliError('one of --stream-name or --stream-arn is required');
    const file = inv.parsed.positionals[0]!;
    const session = new AwsSession(ctx.globals, ctx.debug);
    try {
      const region = await session.region();
      const params = {
        ...(streamName ? { StreamName: streamName } : {}),
        ...(streamArn ? { StreamARN: streamArn } : {}),
      };
      const url = new URL(
        '/putMedia',
        await resolveDataEndpoint(session, ctx.globals.endpointUrl, 'PUT_MEDIA', params),
      );
      let headers: Record<string, string> = {
        'x-amzn-fragment-timecode-type':
          (v.get('fragment-timecode-type') as string | undefined) ?? 'RELATIVE',
        'x-amzn-producer-start-timestamp':
          (v.get('producer-start-timestamp') as string | undefined) ?? (Date.now() / 1000).toFixed(3),
        'transfer-encoding': 'chunked',
        'user-agent': 'kvideo-cli/0.1.0',
        ...(streamName ? { 'x-amzn-stream-name': streamName } : {}),
        ...(streamArn ? { 'x-amzn-stream-arn': streamArn } : {}),
      };
      const credentials = await session.credentials();
      if (credentials) {
        // Loaded on demand: the signer is needed by this command only.
        const { signStreamingRequest } = await import('../sign.js');
        headers = await signStreamingRequest(url, headers, { region, credentials });
      }
      ctx.debug.log(
        'kvideo.endpoint',
        `Sending http request: POST ${url.href} headers=${JSON.stringify(headers)}`,
      );
      return await upload(url, headers, file, v.has('live'), session, ctx);
    } finally {
      session.destroy();
    }
  },
};

async function upload(
  url: URL,
  headers: Record<string, string>,
  file: string,
  live: boolean,
  session: AwsSession,
  ctx: Parameters<CommandDef['run']>[1],
): Promise<number> {
  const g = ctx.globals;
  const source: Readable = file === '-' ? process.stdin : createReadStream(file);
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
    method: 'POST',
    headers,
    ...(url.protocol === 'https:' ? session.tlsOptions() : {}),
  });
  // --cli-connect-timeout until connected, then --cli-read-timeout of socket inactivity.
  const connectTimer = g.connectTimeoutMs
    ? setTimeout(
        () => request.destroy(Object.assign(new Error('connect'), { name: 'TimeoutError' })),
        g.connectTimeoutMs,
      )
    : undefined;
  request.on('socket', (socket) => {
    socket.once('connect', () => {
      clearTimeout(connectTimer);
      if (g.readTimeoutMs) {
        socket.setTimeout(g.readTimeoutMs, () =>
          request.destroy(Object.assign(new Error('read'), { name: 'TimeoutError' })),
        );
      }
    });
  });
  ctx.interrupt.addEventListener('abort', () => request.destroy(), { once: true });
  const options = formatOptions(g);

  const outcome = new Promise<number>((resolve, reject) => {
    request.on('error', (err) => {
      clearTimeout(connectTimer);
      reject(new CliError(transportErrorMessage(err, url.href) ?? err.message));
    });
    request.on('response', (res) => {
      if (res.statusCode !== 200) {
        void readAll(res).then((body) => {
          source.destroy();
          const headers = Object.fromEntries(Object.entries(res.headers).map(([k, x]) => [k, String(x)]));
          reject(
            new CliError(
              serviceErrorMessage('PutMedia', { attempts: 1, status: res.statusCode, headers, body }),
            ),
          );
        }, reject);
        return;
      }
      let sawError = false;
      let pending = '';
      let printing = Promise.resolve();
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        pending += text;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (!line) continue;
          const ack = parsePyJson(line) as Record<string, unknown>;
          if (ack.EventType === 'ERROR') sawError = true;
          printing = printing.then(async () =>
            printOutput(
              g.output === 'json' && !g.query ? `${line}\n` : await formatResponse('PutMedia', ack, options),
              undefined,
            ),
          );
        }
      });
      res.on('end', () => {
        // The server ends the ACK stream after an ERROR or an idle timeout: stop sending.
        source.destroy();
        void printing.then(() => resolve(sawError ? 1 : 0));
      });
      res.on('error', reject);
    });
  });

  // The response (and its failure) can come while the body is still being sent: handled below.
  outcome.catch(() => undefined);
  const body = live ? paced(source) : source;
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
