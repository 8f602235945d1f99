/**
 * PutMedia (spec §5): reads the request headers into a PutMediaInput, checks the stream and the
 * connection limits (errors here are sent instead of the 200), and hands back a session that
 * turns the body into ACKs. The HTTP framing of the ACK stream is src/http's job.
 */
import type { Readable } from 'node:stream';
import { PUT_MEDIA_HEADERS, type AckEvent, type PutMediaInput } from '../../api/index.js';
import { invalidArgument } from '../../core/errors.js';
import { parseProducerStartTimestamp } from '../../ingest/producer-timestamp.js';
import { PutMediaSession } from '../../ingest/put-media-session.js';
import type { ActionServices, RequestContext } from '../context.js';

export type HeaderBag = Record<string, string | string[] | undefined>;

const STREAM_NAME_RE = /^[a-zA-Z0-9_.-]{1,256}$/;

function single(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parsePutMediaHeaders(headers: HeaderBag): PutMediaInput {
  const name = single(headers, PUT_MEDIA_HEADERS.streamName);
  const arn = single(headers, PUT_MEDIA_HEADERS.streamArn);
  if (name !== undefined && !STREAM_NAME_RE.test(name)) {
    throw invalidArgument(`Invalid stream name in ${PUT_MEDIA_HEADERS.streamName}: ${name}`);
  }
  const type = single(headers, PUT_MEDIA_HEADERS.timecodeType) ?? 'ABSOLUTE';
  if (type !== 'ABSOLUTE' && type !== 'RELATIVE') {
    throw invalidArgument(
      `${PUT_MEDIA_HEADERS.timecodeType} must be ABSOLUTE or RELATIVE, not ${JSON.stringify(type)}.`,
    );
  }
  const input: PutMediaInput = {
    FragmentTimecodeType: type,
    AcknowledgmentRequired: single(headers, PUT_MEDIA_HEADERS.ackRequired)?.trim() !== '0',
  };
  if (name !== undefined) input.StreamName = name;
  if (arn !== undefined) input.StreamARN = arn;
  const start = single(headers, PUT_MEDIA_HEADERS.producerStartTimestamp);
  if (start !== undefined) {
    const ms = parseProducerStartTimestamp(start);
    if (ms === undefined) {
      throw invalidArgument(`Invalid ${PUT_MEDIA_HEADERS.producerStartTimestamp}: ${start}`);
    }
    input.ProducerStartTimestampMs = ms;
  }
  return input;
}

export interface PutMediaHandle {
  /** Consumes the body, calling `emit` for every ACK; resolves when the response should end. */
  run(body: Readable, emit: (ack: AckEvent) => void): Promise<void>;
}

export function startPutMedia(
  headers: HeaderBag,
  services: ActionServices,
  ctx: RequestContext,
): PutMediaHandle {
  const input = parsePutMediaHeaders(headers);
  const stream = services.streams.resolve(input);
  ctx.logFields.stream = stream.streamName;
  let session: PutMediaSession | undefined;
  const release = services.ingest.admit(stream.streamId, () => session?.streamGone());
  return {
    async run(body, send) {
      const closed = services.metrics.putMediaConnectionOpened(stream.streamName);
      const emit = (ack: AckEvent): void => {
        if (ack.EventType === 'ERROR')
          services.metrics.putMediaErrorAck(stream.streamName, ack.ErrorCode ?? '');
        send(ack);
      };
      session = new PutMediaSession({
        stream,
        input,
        fragments: services.fragments,
        registry: services.ingest,
        clock: services.clock,
        limits: services.ingestLimits,
        logger: services.logger,
        metrics: services.metrics,
        emit,
      });
      try {
        await session.run(body);
      } finally {
        release();
        closed();
      }
    },
  };
}
