/**
 * Playback (design.md Part 2): HLS and DASH streaming sessions over stored fragments. Sessions
 * are signed tokens, so nothing here is per-session state that a restart or another process
 * would lack; the caches (timelines, packaged segments) only save work.
 *
 * Owns: composing the playback parts. Actions call createSessionUrl; src/http routes GETs to
 * resources.get. Must not know: HTTP objects.
 */
import type { Clock } from '../core/clock.js';
import type { FragmentStore, StreamRecord } from '../storage/types.js';
import type { StreamService } from '../streams/stream-service.js';
import { PlaybackQuotas, type PlaybackLimits } from './limits.js';
import { openSession, type SessionRequest } from './open-session.js';
import { Packager } from './packager.js';
import { PlaybackResources } from './resources.js';
import { loadOrCreateSessionKey } from './server-key.js';
import { SessionTokens } from './session-token.js';
import { TimelineCache } from './timeline.js';

export type { PlaybackLimits } from './limits.js';
export { KVS_PLAYBACK_LIMITS, UNLIMITED_PLAYBACK } from './limits.js';
export type { SessionRequest } from './open-session.js';
export type { PlaybackResponse, Protocol } from './resources.js';
export { isPlaybackResource } from './resources.js';

export interface PlaybackOptions {
  store: FragmentStore;
  streams: StreamService;
  clock: Clock;
  limits: PlaybackLimits;
  /** Data directory holding the session key; undefined = a per-process key (memory storage). */
  dataDir: string | undefined;
  cacheBytes?: number;
}

export const HLS_MASTER_PATH = '/hls/v1/getHLSMasterPlaylist.m3u8';
export const DASH_MANIFEST_PATH = '/dash/v1/getDASHManifest.mpd';

export class PlaybackService {
  readonly resources: PlaybackResources;
  readonly #o: PlaybackOptions;
  readonly #tokens: SessionTokens;
  readonly #packager: Packager;
  readonly #quotas: PlaybackQuotas;
  readonly timelines = new TimelineCache();

  constructor(options: PlaybackOptions) {
    this.#o = options;
    this.#tokens = new SessionTokens(loadOrCreateSessionKey(options.dataDir), options.clock);
    this.#packager = new Packager(options.store, options.cacheBytes);
    this.#quotas = new PlaybackQuotas(options.limits, options.clock);
    this.resources = new PlaybackResources({
      store: options.store,
      streams: options.streams,
      tokens: this.#tokens,
      packager: this.#packager,
      quotas: this.#quotas,
      timelines: this.timelines,
      clock: options.clock,
    });
  }

  /** GetHLSStreamingSessionURL / GetDASHStreamingSessionURL: the session URL on `endpoint`. */
  createSessionUrl(req: SessionRequest, stream: StreamRecord, endpoint: string): string {
    this.#quotas.sessionUrl(stream.streamId);
    const session = openSession(req, stream, this.#o.store, this.#packager, this.#o.clock.now());
    const path = req.kind === 'HLS' ? HLS_MASTER_PATH : DASH_MANIFEST_PATH;
    return `${endpoint}${path}?SessionToken=${encodeURIComponent(this.#tokens.encode(session))}`;
  }
}
