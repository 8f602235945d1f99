/**
 * PutMedia, written by hand next to the generated shapes because botocore does not model it
 * (spec §5.1, §5.6). Inputs arrive as HTTP headers; the output is a stream of ACK events.
 */

/** Request headers PutMedia reads, lower-cased as node:http delivers them. */
export const PUT_MEDIA_HEADERS = {
  streamName: 'x-amzn-stream-name',
  streamArn: 'x-amzn-stream-arn',
  timecodeType: 'x-amzn-fragment-timecode-type',
  producerStartTimestamp: 'x-amzn-producer-start-timestamp',
  ackRequired: 'x-amzn-fragment-acknowledgment-required',
} as const;

export type FragmentTimecodeType = 'ABSOLUTE' | 'RELATIVE';

export interface PutMediaInput {
  StreamName?: string;
  StreamARN?: string;
  FragmentTimecodeType: FragmentTimecodeType;
  /** Epoch milliseconds; only used for RELATIVE timecodes. */
  ProducerStartTimestampMs?: number;
  /**
   * False when the producer sent `x-amzn-fragment-acknowledgment-required: 0` (spec §9.8), or sent
   * no such header and is ffmpeg, which never reads ACKs (src/actions/media/put-media.ts).
   */
  AcknowledgmentRequired: boolean;
}

export type AckEventType = 'BUFFERING' | 'RECEIVED' | 'PERSISTED' | 'ERROR' | 'IDLE';

/**
 * One ACK. Key order matters to nobody's parser but is kept as observed: EventType,
 * FragmentTimecode, FragmentNumber, then ErrorId/ErrorCode (spec §5.6).
 */
export interface AckEvent {
  EventType: AckEventType;
  FragmentTimecode?: number;
  FragmentNumber?: string;
  ErrorId?: number;
  ErrorCode?: string;
}

/** ERROR ACK codes (spec §5.5). */
export const ACK_ERRORS = {
  STREAM_READ_ERROR: 4000,
  MAX_FRAGMENT_SIZE_REACHED: 4001,
  MAX_FRAGMENT_DURATION_REACHED: 4002,
  MAX_CONNECTION_DURATION_REACHED: 4003,
  FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS: 4004,
  MORE_THAN_ALLOWED_TRACKS_FOUND: 4012,
  INVALID_MKV_DATA: 4006,
  INVALID_PRODUCER_TIMESTAMP: 4007,
  STREAM_NOT_ACTIVE: 4008,
  FRAGMENT_METADATA_LIMIT_REACHED: 4009,
  TRACK_NUMBER_MISMATCH: 4010,
  FRAMES_MISSING_FOR_TRACK: 4011,
  INTERNAL_ERROR: 5000,
  ARCHIVAL_ERROR: 5001,
} as const;

export type AckErrorCode = keyof typeof ACK_ERRORS;

export function ackError(
  code: AckErrorCode,
  fragment?: { timecode: number; fragmentNumber: string },
): AckEvent {
  const ack: AckEvent = { EventType: 'ERROR' };
  if (fragment) {
    ack.FragmentTimecode = fragment.timecode;
    ack.FragmentNumber = fragment.fragmentNumber;
  }
  ack.ErrorId = ACK_ERRORS[code];
  ack.ErrorCode = code;
  return ack;
}
