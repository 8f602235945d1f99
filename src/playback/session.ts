/**
 * A playback session (HLS or DASH, spec §7.4–§7.5): everything needed to answer its playlist,
 * manifest and fragment requests, carried in the signed session token (session-token.ts) so no
 * server keeps session state.
 *
 * Owns: the session record and its defaults. Must not know: HTTP, token encoding, rendering.
 */
import type { TimestampClock } from '../storage/types.js';

export type SessionKind = 'HLS' | 'DASH';
export type PlaybackMode = 'LIVE' | 'LIVE_REPLAY' | 'ON_DEMAND';
export type ContainerFormat = 'FRAGMENTED_MP4' | 'MPEG_TS';
export type DiscontinuityMode = 'ALWAYS' | 'NEVER' | 'ON_DISCONTINUITY';

export interface PlaybackSession {
  kind: SessionKind;
  /** Random id: the key of per-session rate limits and of the timeline cache. */
  id: string;
  /** StreamRecord.streamId: a deleted and re-created stream of the same name does not match. */
  streamId: string;
  streamArn: string;
  mode: PlaybackMode;
  clock: TimestampClock;
  /** Inclusive range in the session clock, epoch ms (LIVE_REPLAY may leave endMs open). */
  startMs?: number;
  endMs?: number;
  /**
   * LIVE only: where the session's timeline begins, a position in server-timestamp order (the
   * oldest fragment of the first playlist). Media sequence numbers count from here.
   */
  anchor?: { serverTimestampMs: number; fragmentNumber: string };
  container: ContainerFormat;
  discontinuity: DiscontinuityMode;
  displayTimestamp: boolean;
  /** DASH only: kvs:fn on each S element. */
  displayFragmentNumber: boolean;
  maxResults: number;
  /** The producer header (codec private data) of the session's first fragment. */
  headerId: number;
  /**
   * Where the session's media timeline meets the wall clock: the session's first fragment starts
   * (in producer time, the time base of tfdt) at wall-clock `wallMs` (LIVE: its server
   * timestamp; LIVE_REPLAY: the session's creation). DASH's availabilityStartTime and
   * presentationTimeOffset come from it.
   */
  origin: { wallMs: number; producerMs: number };
  createdMs: number;
  expiresMs: number;
}

export const DEFAULT_EXPIRES_SECONDS = 300;
/** MaxMediaPlaylistFragmentResults / MaxManifestFragmentResults defaults (spec §7.4). */
export const DEFAULT_LIVE_MAX_RESULTS = 5;
export const DEFAULT_ON_DEMAND_MAX_RESULTS = 1000;
/** ON_DISCONTINUITY: a gap or overlap above this is a discontinuity (spec §7.4). */
export const DISCONTINUITY_THRESHOLD_MS = 50;
/** LIVE sessions need a fragment ingested this recently (spec §7.4). */
export const LIVE_RECENT_MS = 30_000;
/** End may be at most this long after Start (spec §7.4). */
export const MAX_RANGE_MS = 24 * 3600_000;
