/**
 * Which fragments a session's playlist or manifest lists at a given moment (spec §7.4, §7.5):
 *
 * - ON_DEMAND: the oldest MaxResults fragments starting in the range, in the session clock's order.
 * - LIVE: fragments in ingestion (server-timestamp) order from the session's anchor; a fragment
 *   whose start is older than one already listed is a late fragment and never back-filled; the
 *   newest MaxResults are listed (a sliding window).
 * - LIVE_REPLAY: the range in the session clock's order, released one by one as the durations
 *   of the fragments before it elapse since the session started; the newest MaxResults released.
 * - PRODUCER_TIMESTAMP: fragments with the same start time are de-duplicated, the largest
 *   fragment number wins.
 *
 * Every entry carries a session ordinal (HLS media sequence number, DASH segment number) and
 * whether a discontinuity precedes it, both counted from the session's start so that they stay
 * stable across playlist reloads. Everything follows from the token and the store alone; the
 * in-memory cache of scan progress (TimelineCache) only saves rescanning, so any process can
 * answer any session.
 *
 * Owns: selection, ordering, de-duplication, ordinals, discontinuities. Must not know: rendering,
 * HTTP, packaging.
 */
import type { FragmentMeta, FragmentStore, TimestampClock, TimestampCursor } from '../storage/types.js';
import { DISCONTINUITY_THRESHOLD_MS, type PlaybackSession } from './session.js';

export interface TimelineEntry {
  meta: FragmentMeta;
  /** Session ordinal (0-based): media sequence number / DASH segment number. */
  sequence: number;
  /** Start in the session clock, epoch ms. */
  timeMs: number;
  /** A discontinuity tag precedes this entry (DiscontinuityMode, or a codec private data change). */
  discontinuity: boolean;
  /** Discontinuity tags up to and including this entry since the session started. */
  discontinuities: number;
}

export interface Timeline {
  entries: TimelineEntry[];
  /** Nothing more will be added (ON_DEMAND; LIVE_REPLAY past its closed range): ENDLIST / static. */
  complete: boolean;
}

interface ScanState {
  cursor?: TimestampCursor;
  count: number;
  discontinuities: number;
  last?: TimelineEntry;
  /** LIVE: the newest start time listed so far (late-fragment filter). */
  maxTimeMs: number;
  /** LIVE_REPLAY: total duration of the fragments released so far. */
  releasedMs: number;
  /** The newest maxResults entries. */
  window: TimelineEntry[];
  exhausted: boolean;
}

const PAGE = 500;

const timeIn = (clock: TimestampClock, m: FragmentMeta): number =>
  clock === 'PRODUCER' ? m.producerTimestampMs : m.serverTimestampMs;

/** Scan progress per session id, bounded (an evicted session just rescans from its start). */
export class TimelineCache {
  readonly #max: number;
  readonly #states = new Map<string, ScanState>();

  constructor(maxSessions = 10_000) {
    this.#max = maxSessions;
  }

  get(id: string): ScanState | undefined {
    const state = this.#states.get(id);
    if (state) {
      this.#states.delete(id);
      this.#states.set(id, state);
    }
    return state;
  }

  set(id: string, state: ScanState): void {
    this.#states.set(id, state);
    while (this.#states.size > this.#max) {
      const oldest = this.#states.keys().next().value as string;
      this.#states.delete(oldest);
    }
  }

  get size(): number {
    return this.#states.size;
  }
}

function freshState(): ScanState {
  return { count: 0, discontinuities: 0, maxTimeMs: -Infinity, releasedMs: 0, window: [], exhausted: false };
}

function isDiscontinuity(
  session: PlaybackSession,
  last: TimelineEntry | undefined,
  m: FragmentMeta,
  t: number,
): boolean {
  if (session.discontinuity === 'ALWAYS') return true;
  if (!last) return false;
  // A new producer header means new codec private data: players must re-initialise (new EXT-X-MAP).
  if (last.meta.headerId !== m.headerId) return true;
  if (session.discontinuity === 'NEVER') return false;
  return Math.abs(t - (last.timeMs + last.meta.durationMs)) > DISCONTINUITY_THRESHOLD_MS;
}

/** Adds one fragment to the scan; returns false when LIVE_REPLAY must wait before releasing it. */
function accept(session: PlaybackSession, s: ScanState, m: FragmentMeta, nowMs: number): boolean {
  const t = timeIn(session.clock, m);
  if (session.mode === 'LIVE') {
    if (t < s.maxTimeMs) return true; // late fragment: skipped for good
  }
  if (session.clock === 'PRODUCER' && s.last && s.last.timeMs === t) {
    // Duplicate start time: the newer fragment (larger number, listed later) replaces the older.
    const replaced: TimelineEntry = { ...s.last, meta: m };
    s.last = replaced;
    s.window[s.window.length - 1] = replaced;
    return true;
  }
  if (session.mode === 'LIVE' && t === s.maxTimeMs) return true; // same server time: keep the first
  if (session.mode === 'LIVE_REPLAY' && session.createdMs + s.releasedMs > nowMs) return false;
  const discontinuity = isDiscontinuity(session, s.last, m, t);
  if (discontinuity) s.discontinuities++;
  const entry: TimelineEntry = {
    meta: m,
    sequence: s.count++,
    timeMs: t,
    discontinuity,
    discontinuities: s.discontinuities,
  };
  s.last = entry;
  s.maxTimeMs = Math.max(s.maxTimeMs, t);
  s.releasedMs += m.durationMs;
  s.window.push(entry);
  if (session.mode !== 'ON_DEMAND' && s.window.length > session.maxResults) s.window.shift();
  return true;
}

function scan(store: FragmentStore, session: PlaybackSession, s: ScanState, nowMs: number): void {
  const live = session.mode === 'LIVE';
  const clock: TimestampClock = live ? 'SERVER' : session.clock;
  const startMs = live ? session.anchor!.serverTimestampMs : session.startMs!;
  const endMs = live ? Number.MAX_SAFE_INTEGER : (session.endMs ?? Number.MAX_SAFE_INTEGER);
  s.exhausted = false;
  for (;;) {
    const page = store.listByTimestamp(session.streamId, clock, startMs, endMs, PAGE, s.cursor);
    for (const m of page) {
      if (live && m.fragmentNumber < session.anchor!.fragmentNumber) {
        s.cursor = { timestampMs: m.serverTimestampMs, fragmentNumber: m.fragmentNumber };
        continue;
      }
      if (
        session.mode === 'ON_DEMAND' &&
        s.count >= session.maxResults &&
        timeIn(clock, m) !== s.last?.timeMs
      ) {
        s.exhausted = true;
        return;
      }
      if (!accept(session, s, m, nowMs)) return;
      s.cursor = { timestampMs: timeIn(clock, m), fragmentNumber: m.fragmentNumber };
    }
    if (page.length < PAGE) {
      s.exhausted = true;
      return;
    }
  }
}

export function buildTimeline(
  store: FragmentStore,
  session: PlaybackSession,
  nowMs: number,
  cache?: TimelineCache,
): Timeline {
  const cacheable = session.mode !== 'ON_DEMAND' && cache !== undefined;
  const state = (cacheable ? cache.get(session.id) : undefined) ?? freshState();
  scan(store, session, state, nowMs);
  if (cacheable) cache.set(session.id, state);
  const complete =
    session.mode === 'ON_DEMAND' ||
    (session.mode === 'LIVE_REPLAY' &&
      session.endMs !== undefined &&
      session.endMs < nowMs &&
      state.exhausted);
  // Fragments removed by retention since they were scanned drop out of the list.
  const entries = state.window.filter((e) => store.getFragment(session.streamId, e.meta.fragmentNumber));
  return { entries, complete };
}
