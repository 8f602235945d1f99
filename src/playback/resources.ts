/**
 * The playback resources a player fetches with a session token (spec §7.4 HLS resource table,
 * §7.5): getHLSMasterPlaylist.m3u8, getHLSMediaPlaylist.m3u8, getDASHManifest.mpd,
 * getMP4InitFragment.mp4, getMP4MediaFragment.mp4, getTSFragment.ts — their query parameters,
 * per-session quotas, and which fragments a session may read (only its own range).
 *
 * Owns: resource dispatch and parameter rules. Must not know: HTTP objects (src/http writes the
 * PlaybackResponse), token format, playlist syntax.
 */
import type { Clock } from '../core/clock.js';
import { KvsError, invalidArgument, resourceNotFound } from '../core/errors.js';
import { isFragmentNumberSyntax } from '../core/fragment-number.js';
import type { PackagedTrack } from '../packaging/index.js';
import type { FragmentMeta, FragmentStore } from '../storage/types.js';
import type { StreamService } from '../streams/stream-service.js';
import { renderDashManifest } from './dash-manifest.js';
import { renderMasterPlaylist, renderMediaPlaylist, type StreamFigures } from './hls-playlist.js';
import type { PlaybackQuotas } from './limits.js';
import { noFragments } from './open-session.js';
import type { Packager } from './packager.js';
import type { PlaybackSession } from './session.js';
import type { SessionTokens } from './session-token.js';
import { buildTimeline, type Timeline, type TimelineCache } from './timeline.js';

export interface PlaybackResponse {
  contentType: string;
  body: Uint8Array | string;
  /** Playlists change (no-store); fragments of a PERSISTED fragment never do. */
  immutable: boolean;
}

export interface ResourceDeps {
  store: FragmentStore;
  streams: StreamService;
  tokens: SessionTokens;
  packager: Packager;
  quotas: PlaybackQuotas;
  timelines: TimelineCache;
  clock: Clock;
}

export type Protocol = 'hls' | 'dash';

const RESOURCES: Record<Protocol, readonly string[]> = {
  hls: [
    'getHLSMasterPlaylist.m3u8',
    'getHLSMediaPlaylist.m3u8',
    'getMP4InitFragment.mp4',
    'getMP4MediaFragment.mp4',
    'getTSFragment.ts',
  ],
  dash: ['getDASHManifest.mpd', 'getMP4InitFragment.mp4', 'getMP4MediaFragment.mp4'],
};

export function isPlaybackResource(protocol: Protocol, name: string): boolean {
  return RESOURCES[protocol].includes(name);
}

const fragmentNotFound = (): KvsError =>
  resourceNotFound(
    'The requested fragment is not found: it is outside the retention period or does not exist.',
  );

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^[0-9]{1,9}$/.test(raw)) throw invalidArgument(`${name} must be a non-negative integer.`);
  return Number(raw);
}

function inSession(session: PlaybackSession, meta: FragmentMeta): boolean {
  if (session.mode === 'LIVE') return meta.fragmentNumber >= session.anchor!.fragmentNumber;
  const t = session.clock === 'PRODUCER' ? meta.producerTimestampMs : meta.serverTimestampMs;
  return t >= session.startMs! && t <= (session.endMs ?? Number.MAX_SAFE_INTEGER);
}

export class PlaybackResources {
  readonly #d: ResourceDeps;

  constructor(deps: ResourceDeps) {
    this.#d = deps;
  }

  async get(protocol: Protocol, name: string, query: URLSearchParams): Promise<PlaybackResponse> {
    if (!isPlaybackResource(protocol, name)) throw resourceNotFound(`No playback resource ${name}.`);
    const token = query.get('SessionToken') ?? undefined;
    const session = this.#d.tokens.decode(token);
    if ((session.kind === 'HLS') !== (protocol === 'hls')) {
      throw invalidArgument(`The session token belongs to a ${session.kind} session.`);
    }
    // The stream must still be the one the session was opened on (not deleted, not re-created).
    const stream = this.#d.streams.resolve({ StreamARN: session.streamArn });
    if (stream.streamId !== session.streamId) throw resourceNotFound();
    const t = token!;
    switch (name) {
      case 'getHLSMasterPlaylist.m3u8':
        return this.#master(session, t);
      case 'getHLSMediaPlaylist.m3u8':
        return this.#mediaPlaylist(session, t, query);
      case 'getDASHManifest.mpd':
        return this.#manifest(session, t);
      case 'getMP4InitFragment.mp4':
        return this.#init(session, query);
      case 'getMP4MediaFragment.mp4':
        return this.#fragment(session, query, 'mp4');
      default:
        return this.#fragment(session, query, 'ts');
    }
  }

  #timeline(session: PlaybackSession): Timeline {
    const timeline = buildTimeline(this.#d.store, session, this.#d.clock.now(), this.#d.timelines);
    if (timeline.entries.length === 0) throw noFragments();
    return timeline;
  }

  #track(tracks: readonly PackagedTrack[], query: URLSearchParams): PackagedTrack {
    const number = intParam(query, 'TrackNumber') ?? 1;
    const track = tracks.find((x) => x.trackNumber === number);
    if (!track) throw invalidArgument(`TrackNumber ${number} is not a track of this session.`);
    return track;
  }

  async #figures(
    session: PlaybackSession,
    timeline: Timeline,
    tracks: readonly PackagedTrack[],
  ): Promise<StreamFigures> {
    let bandwidth = 0;
    for (const e of timeline.entries)
      bandwidth = Math.max(bandwidth, (e.meta.size * 8 * 1000) / Math.max(e.meta.durationMs, 1));
    const video = tracks[0]!.kind === 'video' ? tracks[0]! : undefined;
    if (!video) return { bandwidth };
    if (video.defaultDuration) return { bandwidth, frameRate: video.timescale / video.defaultDuration };
    const first = timeline.entries[0]!.meta;
    const demuxed = await this.#d.packager.demux(session.streamId, first);
    const samples = demuxed.samples.get(video.trackNumber) ?? [];
    const span = samples.reduce((sum, s) => sum + s.duration, 0);
    return span > 0 ? { bandwidth, frameRate: (samples.length * video.timescale) / span } : { bandwidth };
  }

  async #master(session: PlaybackSession, token: string): Promise<PlaybackResponse> {
    this.#d.quotas.resource(session.streamId, session.id, 'getHLSMasterPlaylist', 'playlist');
    const tracks = this.#d.packager.tracks(session.streamId, session.headerId, 'HLS', session.container);
    const timeline = this.#timeline(session);
    const figures = await this.#figures(session, timeline, tracks);
    return {
      contentType: 'application/vnd.apple.mpegurl',
      body: renderMasterPlaylist(session, token, tracks, figures),
      immutable: false,
    };
  }

  #mediaPlaylist(session: PlaybackSession, token: string, query: URLSearchParams): PlaybackResponse {
    this.#d.quotas.resource(
      session.streamId,
      session.id,
      'getHLSMediaPlaylist',
      'playlist',
      session.maxResults,
    );
    const tracks = this.#d.packager.tracks(session.streamId, session.headerId, 'HLS', session.container);
    const track = session.container === 'MPEG_TS' ? tracks[0]! : this.#track(tracks, query);
    const body = renderMediaPlaylist(session, token, track.trackNumber, this.#timeline(session));
    return { contentType: 'application/vnd.apple.mpegurl', body, immutable: false };
  }

  async #manifest(session: PlaybackSession, token: string): Promise<PlaybackResponse> {
    this.#d.quotas.resource(session.streamId, session.id, 'getDASHManifest', 'playlist', session.maxResults);
    const tracks = this.#d.packager.tracks(session.streamId, session.headerId, 'DASH', session.container);
    const timeline = this.#timeline(session);
    const figures = await this.#figures(session, timeline, tracks);
    const tail = await this.#d.packager.demux(session.streamId, timeline.entries.at(-1)!.meta);
    const body = renderDashManifest(session, token, tracks, timeline, figures, this.#d.clock.now(), tail);
    return { contentType: 'application/dash+xml', body, immutable: false };
  }

  #init(session: PlaybackSession, query: URLSearchParams): PlaybackResponse {
    if (session.container === 'MPEG_TS') throw invalidArgument('MPEG_TS sessions have no init fragment.');
    this.#d.quotas.resource(session.streamId, session.id, 'getMP4InitFragment', 'playlist');
    const headerId = intParam(query, 'SequenceNumber') ?? session.headerId;
    const tracks = this.#d.packager.tracks(session.streamId, headerId, session.kind, session.container);
    const track = this.#track(tracks, query);
    return {
      contentType: 'video/mp4',
      body: this.#d.packager.init(session.streamId, headerId, track),
      immutable: true,
    };
  }

  async #fragment(
    session: PlaybackSession,
    query: URLSearchParams,
    kind: 'mp4' | 'ts',
  ): Promise<PlaybackResponse> {
    if ((kind === 'ts') !== (session.container === 'MPEG_TS')) {
      throw invalidArgument(`This session's container format is ${session.container}.`);
    }
    const number = query.get('FragmentNumber');
    if (number === null || !isFragmentNumberSyntax(number))
      throw invalidArgument('FragmentNumber is required and must be a fragment number.');
    this.#d.quotas.resource(
      session.streamId,
      session.id,
      kind === 'ts' ? 'getTSFragment' : 'getMP4MediaFragment',
      'fragment',
    );
    const meta = this.#d.store.getFragment(session.streamId, number);
    if (!meta || !inSession(session, meta)) throw fragmentNotFound();
    const tracks = this.#d.packager.tracks(session.streamId, meta.headerId, session.kind, session.container);
    if (kind === 'ts') {
      return {
        contentType: 'video/mp2t',
        body: await this.#d.packager.ts(session.streamId, meta, tracks),
        immutable: true,
      };
    }
    const track = this.#track(tracks, query);
    return {
      contentType: 'video/mp4',
      body: await this.#d.packager.media(session.streamId, meta, track),
      immutable: true,
    };
  }
}
