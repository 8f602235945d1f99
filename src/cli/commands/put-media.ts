/**
 * `kvideo put-media`: sends a Matroska file or stdin to PutMedia as one chunked upload,
 * optionally paced in real time by cluster timecodes (`--live`), prints every ACK as it arrives,
 * and ends with a summary on stderr (fragments sent / received / persisted / errors). It never
 * reports success for data that was not stored: exit 0 only when every fragment sent was
 * PERSISTED (RECEIVED for a stream with retention 0, which keeps no data), 1 after an ERROR ACK
 * or a shortfall, 255 when the request was refused, the endpoint unreachable or the connection
 * broke off. No AWS CLI command exists for PutMedia (botocore does not model it); the global
 * options work as for every other command: region, profile and credentials, --endpoint-url (else
 * GetDataEndpoint with PUT_MEDIA), --no-sign-request, timeouts, TLS options, --debug, --output
 * and --query (applied to each ACK; with json each ACK is one compact JSON line, as sent).
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ArgDef } from '../args/arg-table.js';
import { parseInvocation } from '../args/invocation.js';
import { serviceErrorMessage, transportErrorMessage } from '../aws/call-errors.js';
import { resolveDataEndpoint } from '../aws/data-endpoint.js';
import { AwsSession } from '../aws/session.js';
import { formatOptions, type CommandContext, type CommandDef } from '../command.js';
import { CliError, EXIT, InterruptedError } from '../errors.js';
import { renderCommandHelp } from '../help/render.js';
import { formatResponse } from '../output/formatter.js';
import { printOutput, writeStdout } from '../output/pager.js';
import type { AckLine } from '../upload/ack-lines.js';
import { sendPutMedia, type UploadOutcome } from '../upload/put-media-request.js';
import { UploadTally } from '../upload/tally.js';

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

export const putMedia: CommandDef = {
  name: 'put-media',
  service: 'kinesis-video-media',
  summary: 'Send a Matroska file or stdin to PutMedia and print the ACKs (no AWS CLI equivalent).',
  table: () => TABLE,
  help: {
    description:
      'Sends a Matroska (MKV) file or stdin to a stream with PutMedia, as one HTTP chunked upload, and ' +
      'prints each acknowledgement event (BUFFERING, RECEIVED, PERSISTED, ERROR, IDLE) as it arrives. ' +
      'Each Cluster of the input is one fragment. At the end a summary goes to stderr: fragments sent, ' +
      'received, persisted, and ERROR acknowledgements. A stream whose DataRetentionInHours is 0 keeps ' +
      'no data and never sends PERSISTED; for it (looked up with DescribeStream) RECEIVED counts as ' +
      'stored. Exit status: 0 when every fragment sent was stored; 1 after an ERROR acknowledgement or ' +
      'when fewer fragments were stored than sent; 255 when the request is refused (an AWS error such ' +
      'as ResourceNotFoundException or NotAuthorizedException), the endpoint cannot be reached, the ' +
      'connection breaks off before the acknowledgement stream ends, or the input cannot be read. ' +
      'Without --endpoint-url, kvideo first calls GetDataEndpoint (APIName PUT_MEDIA).',
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
    const live = v.has('live');
    const session = new AwsSession(ctx.globals, ctx.debug);
    const lookup = new AbortController();
    try {
      const region = await session.region();
      const params = {
        ...(streamName ? { StreamName: streamName } : {}),
        ...(streamArn ? { StreamARN: streamArn } : {}),
      };
      // Opened before any request, so a missing file is reported as such.
      const source = await openSource(file, live);
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
      // In parallel with the upload: only the final verdict needs it.
      const keepsData = keepsDataLookup(session, ctx, params, lookup.signal);
      ctx.debug.log(
        'kvideo.endpoint',
        `Sending http request: POST ${url.href} headers=${JSON.stringify(headers)}`,
      );
      return await upload(url, headers, source, live, keepsData, session, ctx);
    } finally {
      lookup.abort();
      session.destroy();
    }
  },
};

async function openSource(file: string, live: boolean): Promise<Readable> {
  if (file === '-') return process.stdin;
  try {
    const handle = await open(file, 'r');
    // Small reads when paced, so a chunk rarely holds more than one Cluster to wait for.
    return handle.createReadStream({ highWaterMark: live ? 4096 : 64 * 1024 });
  } catch (err) {
    throw new CliError(`Could not read ${file}: ${(err as Error).message}`);
  }
}

/** Whether the stream keeps data (DataRetentionInHours > 0); undefined if DescribeStream fails. */
async function keepsDataLookup(
  session: AwsSession,
  ctx: CommandContext,
  params: Record<string, string>,
  signal: AbortSignal,
): Promise<boolean | undefined> {
  try {
    const client = await session.client('kinesisvideo', ctx.globals.endpointUrl);
    const { output } = await session.send(client, 'kinesisvideo', 'DescribeStream', params, {
      abortSignal: signal,
    });
    const info = output.StreamInfo as { DataRetentionInHours?: number } | undefined;
    return info?.DataRetentionInHours === undefined ? undefined : info.DataRetentionInHours > 0;
  } catch (err) {
    ctx.debug.log('kvideo.put-media', `DescribeStream failed (${(err as Error).message})`);
    return undefined;
  }
}

async function upload(
  url: URL,
  headers: Record<string, string>,
  source: Readable,
  live: boolean,
  keepsData: Promise<boolean | undefined>,
  session: AwsSession,
  ctx: CommandContext,
): Promise<number> {
  const g = ctx.globals;
  const options = formatOptions(g);
  let sent = 0;
  const lines: AckLine[] = [];
  const outcome = await sendPutMedia({
    url,
    headers,
    source,
    live,
    tls: url.protocol === 'https:' ? session.tlsOptions() : {},
    connectTimeoutMs: g.connectTimeoutMs,
    readTimeoutMs: g.readTimeoutMs,
    interrupt: ctx.interrupt,
    onCluster: () => void sent++,
    async onLine(line) {
      lines.push(line);
      // Every line is printed, even one that is not JSON (then as received).
      const text =
        (g.output === 'json' && !g.query) || !line.ack
          ? `${line.text}\n`
          : await formatResponse('PutMedia', line.ack, options);
      await writeStdout(text);
    },
  });
  // The retention matters only for a finished ACK stream; otherwise it is not waited for.
  const keeps = outcome.kind === 'completed' ? await keepsData : undefined;
  const tally = new UploadTally(keeps);
  tally.sent = sent;
  for (const line of lines) tally.onAck(line.ack);
  // Refused or unreachable: the service took nothing, and its error (or the network's) says why.
  if (outcome.kind === 'refused' || outcome.kind === 'unreachable') throw failure(outcome, url);
  process.stderr.write(`${tally.summary()}\n`);
  if (outcome.kind === 'interrupted') throw new InterruptedError(false);
  if (outcome.kind !== 'completed') throw failure(outcome, url, tally);
  const verdict = tally.verdict();
  if (!verdict.ok) throw new CliError(verdict.reason!, 1);
  return EXIT.ok;
}

/** The error for an upload that did not get a finished ACK stream (exit 255). */
function failure(
  outcome: Exclude<UploadOutcome, { kind: 'completed' } | { kind: 'interrupted' }>,
  url: URL,
  tally?: UploadTally,
): CliError {
  switch (outcome.kind) {
    case 'refused':
      return new CliError(serviceErrorMessage('PutMedia', { attempts: 1, ...outcome }));
    case 'unreachable':
      return new CliError(transportErrorMessage(outcome.error, url.href) ?? outcome.error.message);
    case 'source':
      return new CliError(`Could not read the input: ${outcome.error.message}`);
    case 'broken': {
      // botocore's words only for a timeout: "closed before we received a valid response" would be wrong.
      const e = outcome.error as NodeJS.ErrnoException;
      const cause =
        e.name === 'TimeoutError'
          ? transportErrorMessage(e, url.href)!
          : `${e.message}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}`;
      const stored = tally ? `: ${tally.stored} of ${tally.sent} fragments sent were stored` : '';
      return new CliError(`The connection broke off before the ACK stream ended (${cause})${stored}.`);
    }
  }
}
