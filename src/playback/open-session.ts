/**
 * GetHLSStreamingSessionURL / GetDASHStreamingSessionURL request rules (spec §7.4, §7.5): modes,
 * selector and range rules per mode, defaults, retention and media requirements, the "No
 * fragments found" check, and the resulting PlaybackSession.
 *
 * Owns: request validation and defaults. Must not know: HTTP, token encoding, rendering.
 */
import { randomBytes } from 'node:crypto';
import { KvsError, invalidArgument } from '../core/errors.js';
import type { FragmentMeta, FragmentStore, StreamRecord, TimestampClock } from '../storage/types.js';
import type { Packager } from './packager.js';
import {
  DEFAULT_EXPIRES_SECONDS,
  DEFAULT_LIVE_MAX_RESULTS,
  DEFAULT_ON_DEMAND_MAX_RESULTS,
  LIVE_RECENT_MS,
  MAX_RANGE_MS,
  type ContainerFormat,
  type DiscontinuityMode,
  type PlaybackMode,
  type PlaybackSession,
  type SessionKind,
} from './session.js';

/** The members both session APIs share, already validated against the model's enums and ranges. */
export interface SessionRequest {
  kind: SessionKind;
  PlaybackMode?: PlaybackMode;
  FragmentSelector?: {
    FragmentSelectorType?: 'PRODUCER_TIMESTAMP' | 'SERVER_TIMESTAMP';
    TimestampRange?: { StartTimestamp?: number; EndTimestamp?: number };
  };
  ContainerFormat?: ContainerFormat;
  DiscontinuityMode?: DiscontinuityMode;
  DisplayFragmentTimestamp?: 'ALWAYS' | 'NEVER';
  DisplayFragmentNumber?: 'ALWAYS' | 'NEVER';
  Expires?: number;
  MaxResults?: number;
}

export const noFragments = (): KvsError =>
  new KvsError(
    'ResourceNotFoundException',
    'No fragments found in the stream for the streaming request.',
    404,
  );

const selectorName = (kind: SessionKind): string => `${kind}FragmentSelector`;

/** Range in ms after the per-mode rules (spec §7.4 TimestampRange rules). */
function rangeOf(
  req: SessionRequest,
  mode: PlaybackMode,
  clock: TimestampClock,
  nowMs: number,
): { startMs?: number; endMs?: number } {
  const range = req.FragmentSelector?.TimestampRange;
  if (mode === 'LIVE') {
    if (range)
      throw invalidArgument(
        `TimestampRange must not be set in ${selectorName(req.kind)} when PlaybackMode is LIVE.`,
      );
    return {};
  }
  if (!req.FragmentSelector || !range) {
    throw invalidArgument(
      `${selectorName(req.kind)} with a TimestampRange is required when PlaybackMode is ${mode}.`,
    );
  }
  if (range.StartTimestamp === undefined)
    throw invalidArgument('StartTimestamp is required in the TimestampRange.');
  const startMs = Math.round(range.StartTimestamp * 1000);
  if (range.EndTimestamp === undefined) {
    if (mode === 'ON_DEMAND')
      throw invalidArgument('EndTimestamp is required when PlaybackMode is ON_DEMAND.');
    return { startMs };
  }
  const endMs = Math.round(range.EndTimestamp * 1000);
  if (endMs <= startMs) throw invalidArgument('EndTimestamp must be later than StartTimestamp.');
  if (endMs - startMs > MAX_RANGE_MS)
    throw invalidArgument('EndTimestamp must be within 24 hours of StartTimestamp.');
  if (clock === 'SERVER' && endMs > nowMs) {
    throw invalidArgument('EndTimestamp must be in the past when FragmentSelectorType is SERVER_TIMESTAMP.');
  }
  return { startMs, endMs };
}

/** LIVE: the oldest of the newest `n` fragments, or none when nothing arrived recently. */
function liveAnchor(store: FragmentStore, streamId: string, n: number, nowMs: number): FragmentMeta {
  const latest = store.latest(streamId);
  if (!latest || latest.serverTimestampMs < nowMs - LIVE_RECENT_MS) throw noFragments();
  const earliest = store.earliest(streamId)!;
  let span = Math.max(latest.durationMs, 1000) * n * 2;
  for (;;) {
    const from = latest.serverTimestampMs - span;
    const list = store.listByTimestamp(streamId, 'SERVER', from, Number.MAX_SAFE_INTEGER, 100_000);
    if (list.length >= n || from <= earliest.serverTimestampMs)
      return list.at(-Math.min(n, list.length)) ?? latest;
    span *= 4;
  }
}

export function openSession(
  req: SessionRequest,
  stream: StreamRecord,
  store: FragmentStore,
  packager: Packager,
  nowMs: number,
): PlaybackSession {
  const mode = req.PlaybackMode ?? 'LIVE';
  const clock: TimestampClock =
    req.FragmentSelector?.FragmentSelectorType === 'PRODUCER_TIMESTAMP' ? 'PRODUCER' : 'SERVER';
  const container = req.ContainerFormat ?? 'FRAGMENTED_MP4';
  const range = rangeOf(req, mode, clock, nowMs);
  if (stream.dataRetentionInHours === 0) {
    throw new KvsError(
      'NoDataRetentionException',
      'The stream has no data retention; archived playback needs retention greater than 0.',
      400,
    );
  }
  const maxResults =
    req.MaxResults ?? (mode === 'ON_DEMAND' ? DEFAULT_ON_DEMAND_MAX_RESULTS : DEFAULT_LIVE_MAX_RESULTS);

  let first: FragmentMeta;
  let anchor: PlaybackSession['anchor'];
  if (mode === 'LIVE') {
    first = liveAnchor(store, stream.streamId, maxResults, nowMs);
    anchor = { serverTimestampMs: first.serverTimestampMs, fragmentNumber: first.fragmentNumber };
  } else {
    const found = store.listByTimestamp(
      stream.streamId,
      clock,
      range.startMs!,
      range.endMs ?? Number.MAX_SAFE_INTEGER,
      1,
    )[0];
    if (!found) throw noFragments();
    first = found;
  }
  // Media requirements are checked on the session's first fragment (spec §7.4: track 1 H.264/H.265
  // with codec private data, optional AAC track 2); later fragments are checked when served.
  packager.tracks(
    stream.streamId,
    first.headerId,
    req.kind,
    req.kind === 'DASH' ? 'FRAGMENTED_MP4' : container,
  );

  const expires = req.Expires ?? DEFAULT_EXPIRES_SECONDS;
  return {
    kind: req.kind,
    id: randomBytes(9).toString('base64url'),
    streamId: stream.streamId,
    streamArn: stream.streamArn,
    mode,
    clock,
    ...range,
    ...(anchor ? { anchor } : {}),
    container: req.kind === 'DASH' ? 'FRAGMENTED_MP4' : container,
    // DASH has no discontinuity markers: its timeline only breaks where codec data changes.
    discontinuity:
      req.kind === 'DASH' ? 'NEVER' : (req.DiscontinuityMode ?? (clock === 'SERVER' ? 'ALWAYS' : 'NEVER')),
    displayTimestamp: req.DisplayFragmentTimestamp === 'ALWAYS',
    displayFragmentNumber: req.DisplayFragmentNumber === 'ALWAYS',
    maxResults,
    headerId: first.headerId,
    origin: {
      wallMs: mode === 'LIVE_REPLAY' ? Math.floor(nowMs) : first.serverTimestampMs,
      producerMs: first.producerTimestampMs,
    },
    createdMs: Math.floor(nowMs),
    expiresMs: Math.floor(nowMs) + expires * 1000,
  };
}
