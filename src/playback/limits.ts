/**
 * Playback quotas (spec §10): GetHLS/DASHStreamingSessionURL 25 TPS per stream; per session 5 TPS
 * for each of master playlist, media playlist, DASH manifest and init fragment, 20 TPS for media
 * and TS fragments; per stream a fragment-metadata budget of 10 000 points/s (a media playlist or
 * manifest costs its MaxResults) and a fragment-media budget of 500 points/s (one per media or TS
 * fragment). Exceeding any answers ClientLimitExceededException. A value of 0 lifts a limit
 * (`kvideo serve --unthrottled`).
 *
 * Owns: the bookkeeping. Must not know: HTTP, sessions beyond their id.
 */
import type { Clock } from '../core/clock.js';
import { CallRateLimiter } from '../core/rate-limit.js';
import { clientLimitExceeded } from '../core/errors.js';

export interface PlaybackLimits {
  sessionUrlCallsPerSecond: number;
  playlistCallsPerSecond: number;
  fragmentCallsPerSecond: number;
  fragmentMetadataPointsPerSecond: number;
  fragmentMediaPointsPerSecond: number;
}

export const KVS_PLAYBACK_LIMITS: PlaybackLimits = {
  sessionUrlCallsPerSecond: 25,
  playlistCallsPerSecond: 5,
  fragmentCallsPerSecond: 20,
  fragmentMetadataPointsPerSecond: 10_000,
  fragmentMediaPointsPerSecond: 500,
};

export const UNLIMITED_PLAYBACK: PlaybackLimits = {
  sessionUrlCallsPerSecond: 0,
  playlistCallsPerSecond: 0,
  fragmentCallsPerSecond: 0,
  fragmentMetadataPointsPerSecond: 0,
  fragmentMediaPointsPerSecond: 0,
};

/** Points spent per key in a sliding one-second window. */
export class PointBudget {
  readonly #perSecond: number;
  readonly #clock: Clock;
  readonly #spent = new Map<string, { t: number; n: number }[]>();

  constructor(perSecond: number, clock: Clock) {
    this.#perSecond = perSecond;
    this.#clock = clock;
  }

  trySpend(key: string, points: number): boolean {
    if (this.#perSecond <= 0) return true;
    const now = this.#clock.now();
    const recent = (this.#spent.get(key) ?? []).filter((e) => now - e.t < 1000);
    const used = recent.reduce((sum, e) => sum + e.n, 0);
    if (used + points > this.#perSecond) {
      this.#spent.set(key, recent);
      return false;
    }
    recent.push({ t: now, n: points });
    this.#spent.set(key, recent);
    return true;
  }
}

export type ResourceClass = 'playlist' | 'fragment';

export class PlaybackQuotas {
  readonly #sessionUrls: CallRateLimiter;
  readonly #playlists: CallRateLimiter;
  readonly #fragments: CallRateLimiter;
  readonly #metadata: PointBudget;
  readonly #media: PointBudget;

  constructor(limits: PlaybackLimits, clock: Clock) {
    this.#sessionUrls = new CallRateLimiter(limits.sessionUrlCallsPerSecond, clock);
    this.#playlists = new CallRateLimiter(limits.playlistCallsPerSecond, clock);
    this.#fragments = new CallRateLimiter(limits.fragmentCallsPerSecond, clock);
    this.#metadata = new PointBudget(limits.fragmentMetadataPointsPerSecond, clock);
    this.#media = new PointBudget(limits.fragmentMediaPointsPerSecond, clock);
  }

  sessionUrl(streamId: string): void {
    if (!this.#sessionUrls.tryAcquire(streamId)) {
      throw clientLimitExceeded('The streaming session URL rate limit of the stream was exceeded.');
    }
  }

  /** One call of `resource` in session `sessionId`; `metadataPoints` for playlists and manifests. */
  resource(
    streamId: string,
    sessionId: string,
    resource: string,
    cls: ResourceClass,
    metadataPoints = 0,
  ): void {
    const calls = cls === 'playlist' ? this.#playlists : this.#fragments;
    if (!calls.tryAcquire(`${sessionId}/${resource}`)) {
      throw clientLimitExceeded(`The request rate limit for ${resource} in this session was exceeded.`);
    }
    if (metadataPoints > 0 && !this.#metadata.trySpend(streamId, metadataPoints)) {
      throw clientLimitExceeded('The fragment metadata limit of the stream was exceeded.');
    }
    if (cls === 'fragment' && !this.#media.trySpend(streamId, 1)) {
      throw clientLimitExceeded('The fragment media limit of the stream was exceeded.');
    }
  }
}
