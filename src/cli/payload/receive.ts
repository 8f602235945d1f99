/**
 * Receives a GetMedia (or GetMediaForFragmentList) payload into the outfile, session after
 * session with --follow. Two modes:
 *
 * - plain (the AWS CLI's behaviour): bytes are written as they arrive; a broken body is an error.
 * - aligned (--follow, --max-fragments, --until): whole chunks only (ChunkAligner). When a session
 *   ends (the server's session limit or idle end) or the connection drops or stalls (read
 *   timeout), the partial chunk is dropped and a new GetMedia resumes with CONTINUATION_TOKEN =
 *   the AWS_KINESISVIDEO_CONTINUATION_TOKEN of the last chunk written, so each fragment is
 *   written exactly once.
 *
 * Tags of every chunk go to the --tags target as JSON lines; progress is reported per chunk.
 */
import { KvsChunkReader } from '../../mkv/chunk-reader.js';
import { CallError, transportErrorMessage } from '../aws/call-errors.js';
import type { Exchange } from '../aws/capture.js';
import type { DebugLog } from '../debug-log.js';
import { CliError } from '../errors.js';
import { ChunkAligner, TOKEN_TAG, type AlignedChunk } from './chunk-aligner.js';
import { BrokenPipe, type OutputTarget } from './outfile.js';
import type { Progress } from './progress.js';

export interface MediaResponse {
  payload: AsyncIterable<Uint8Array> & { destroy(): void };
  exchange: Exchange;
}

export interface ReceiveOptions {
  /** Starts one session; `token` is the continuation token to resume from, if any. */
  call(token: string | undefined, signal: AbortSignal): Promise<MediaResponse>;
  /** Opens the outfile; called once, when the first session has answered 200. */
  open(): Promise<OutputTarget>;
  follow: boolean;
  aligned: boolean;
  maxFragments?: number;
  /** Stop before the first fragment at or after this time (epoch ms) of `untilTag`. */
  untilMs?: number;
  untilTag: string;
  tags?: OutputTarget;
  progress: Progress;
  interrupt: AbortSignal;
  debug: DebugLog;
}

export type StopReason = 'end' | 'max-fragments' | 'until' | 'interrupt';

const THROTTLING = new Set([
  'ClientLimitExceededException',
  'ConnectionLimitExceededException',
  'ThrottlingException',
]);

function retryable(err: unknown): boolean {
  if (!(err instanceof CallError)) return false;
  return err.transport || (err.status ?? 0) >= 500 || THROTTLING.has(err.code ?? '');
}

/** Waits `ms`, or less if `signal` aborts; removes its listener either way (a --follow that
 * retries for hours must not pile up one abort listener per retry). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Output failures are fatal (never retried as if the network had dropped). */
async function write(target: OutputTarget, data: Uint8Array | string): Promise<void> {
  try {
    await target.write(data);
  } catch (err) {
    if (err instanceof BrokenPipe) throw err;
    throw new CliError(`Could not write ${target.path}: ${(err as Error).message}`);
  }
}

function align(aligner: ChunkAligner, data: Buffer): AlignedChunk[] {
  try {
    return aligner.push(data);
  } catch (err) {
    throw new CliError(`Malformed media in the response: ${(err as Error).message}`);
  }
}

function streamError(err: unknown, url: string): CallError {
  const transport = transportErrorMessage(err, url);
  return new CallError(
    transport ??
      `An error occurred while reading from response stream: ${(err as Error)?.message ?? String(err)}`,
    true,
  );
}

export async function receiveMedia(o: ReceiveOptions): Promise<{ exchange?: Exchange; stop: StopReason }> {
  let out: OutputTarget | undefined;
  let token: string | undefined;
  let exchange: Exchange | undefined;
  let fragments = 0;
  let backoff = 200;
  /** Failed attempts in a row (calls or broken sessions), reported so a retry is never silent. */
  let failures = 0;

  /** Writes one whole chunk (aligned mode); returns a reason to stop, if any. */
  const handleChunk = async (chunk: AlignedChunk): Promise<StopReason | undefined> => {
    if (chunk.trailing) return void (await write(out!, chunk.bytes));
    const tags = chunk.tags;
    const at = tags[o.untilTag];
    if (o.untilMs !== undefined && at !== undefined && Number(at) * 1000 >= o.untilMs) return 'until';
    await write(out!, chunk.bytes);
    if (o.tags) await write(o.tags, `${JSON.stringify(tags)}\n`);
    o.progress.update(chunk.bytes.length, tags);
    if (tags[TOKEN_TAG] !== undefined) token = tags[TOKEN_TAG];
    if (tags.AWS_KINESISVIDEO_ERROR_ID !== undefined && o.follow) {
      throw new CliError(
        `GetMedia stopped with error ${tags.AWS_KINESISVIDEO_ERROR_ID}: ${tags.AWS_KINESISVIDEO_ERROR_CODE ?? ''}`,
      );
    }
    if (tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER !== undefined) fragments++;
    if (o.maxFragments !== undefined && fragments >= o.maxFragments) return 'max-fragments';
    return undefined;
  };

  for (;;) {
    if (o.interrupt.aborted) return { exchange, stop: 'interrupt' };
    const controller = new AbortController();
    const onInterrupt = (): void => controller.abort();
    o.interrupt.addEventListener('abort', onInterrupt, { once: true });
    let response: MediaResponse;
    try {
      response = await o.call(token, controller.signal);
    } catch (err) {
      o.interrupt.removeEventListener('abort', onInterrupt);
      if (o.interrupt.aborted) return { exchange, stop: 'interrupt' };
      if (!o.follow || !retryable(err)) throw err;
      o.debug.log('kvideo.follow', `GetMedia failed (${(err as Error).message}); retrying in ${backoff} ms`);
      o.progress.reconnecting(++failures, (err as Error).message, backoff);
      await sleep(backoff, o.interrupt);
      backoff = Math.min(backoff * 2, 5000);
      continue;
    }
    if (failures > 0) o.progress.reconnected(failures);
    failures = 0;
    exchange = response.exchange;
    out ??= await o.open();
    const aligner = o.aligned ? new ChunkAligner() : undefined;
    let reader: KvsChunkReader | undefined = o.aligned ? undefined : new KvsChunkReader();
    const before = fragments;
    let stop: StopReason | undefined;
    const onInterruptPayload = (): void => response.payload.destroy();
    o.interrupt.addEventListener('abort', onInterruptPayload, { once: true });
    try {
      body: for await (const data of response.payload) {
        const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        if (aligner) {
          for (const chunk of align(aligner, buf)) if ((stop = await handleChunk(chunk))) break body;
          continue;
        }
        await write(out, buf);
        o.progress.update(buf.length, undefined);
        let events: { tags: Record<string, string> }[] = [];
        try {
          events = reader?.push(buf) ?? [];
        } catch (err) {
          // Not KVS-framed (plain mode only needs the bytes): stop reading tags, keep writing.
          o.debug.log('kvideo.media', `not parsing chunk tags: ${(err as Error).message}`);
          reader = undefined;
        }
        for (const ev of events) await onPlainChunk(ev.tags);
      }
      if (!stop && aligner) for (const chunk of aligner.end()) if ((stop = await handleChunk(chunk))) break;
      if (!stop && reader) for (const ev of reader.end()) await onPlainChunk(ev.tags);
    } catch (err) {
      if (err instanceof CliError || err instanceof BrokenPipe) throw err;
      if (o.interrupt.aborted) return { exchange, stop: 'interrupt' };
      const failure = streamError(err, response.exchange.url ?? '');
      if (!o.follow) throw failure;
      aligner?.discard();
      o.debug.log(
        'kvideo.follow',
        `GetMedia session broke off (${failure.message}); resuming after ${token ?? 'start'}`,
      );
      const progressed = fragments > before;
      failures = progressed ? 1 : failures + 1;
      o.progress.reconnecting(failures, failure.message, progressed ? 0 : backoff);
      await pause(progressed);
      continue;
    } finally {
      o.interrupt.removeEventListener('abort', onInterrupt);
      o.interrupt.removeEventListener('abort', onInterruptPayload);
      if (stop) {
        response.payload.destroy();
        controller.abort();
      }
    }
    if (stop) return { exchange, stop };
    if (o.interrupt.aborted) return { exchange, stop: 'interrupt' };
    if (!o.follow) return { exchange, stop: 'end' };
    // The session ended cleanly (session limit or idle live edge): no growing backoff, so a
    // fragment that arrives at an idle live edge is picked up within a quarter second.
    if (fragments === before) await sleep(250, o.interrupt);
    else backoff = 200;
  }

  /**
   * After a broken session: one that delivered fragments is resumed at once; one that delivered
   * nothing (a server or network that keeps failing) is retried with exponential backoff from
   * 200 ms up to 5 s.
   */
  async function pause(progressed: boolean): Promise<void> {
    if (progressed) {
      backoff = 200;
      return;
    }
    await sleep(backoff, o.interrupt);
    backoff = Math.min(backoff * 2, 5000);
  }

  async function onPlainChunk(tags: Record<string, string>): Promise<void> {
    if (o.tags) await write(o.tags, `${JSON.stringify(tags)}\n`);
    o.progress.update(0, tags);
  }
}
