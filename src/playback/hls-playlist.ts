/**
 * HLS master and media playlist text (RFC 8216) in the shape KVS serves (spec §7.4 observed
 * playlists): one media playlist per track for fMP4 (audio as an EXT-X-MEDIA rendition), one for
 * all tracks with MPEG-TS; EXT-X-MAP, EXTINF from fragment durations, EXT-X-DISCONTINUITY per
 * DiscontinuityMode, EXT-X-PROGRAM-DATE-TIME when asked, VOD + ENDLIST for ON_DEMAND.
 *
 * Owns: playlist syntax and resource URLs. Must not know: storage, HTTP, packaging internals.
 */
import type { PackagedTrack } from '../packaging/index.js';
import type { PlaybackSession } from './session.js';
import type { Timeline } from './timeline.js';

export interface StreamFigures {
  /** Peak bits per second of the listed fragments. */
  bandwidth: number;
  /** Frames per second of track 1 when it is video. */
  frameRate?: number;
}

const q = (token: string): string => `SessionToken=${encodeURIComponent(token)}`;

export function renderMasterPlaylist(
  session: PlaybackSession,
  token: string,
  tracks: readonly PackagedTrack[],
  figures: StreamFigures,
): string {
  const [main, audio] = tracks;
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${session.container === 'MPEG_TS' ? 3 : 7}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  const separateAudio = session.container === 'FRAGMENTED_MP4' && audio !== undefined;
  if (separateAudio) {
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio",AUTOSELECT=YES,DEFAULT=YES,` +
        `URI="getHLSMediaPlaylist.m3u8?${q(token)}&TrackNumber=${audio.trackNumber}"`,
    );
  }
  const attrs = [`CODECS="${tracks.map((t) => t.codecString).join(',')}"`];
  if (main!.width && main!.height) attrs.push(`RESOLUTION=${main!.width}x${main!.height}`);
  if (figures.frameRate) attrs.push(`FRAME-RATE=${figures.frameRate.toFixed(3)}`);
  attrs.push(`BANDWIDTH=${Math.max(1, Math.round(figures.bandwidth))}`);
  if (separateAudio) attrs.push('AUDIO="audio"');
  lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`);
  lines.push(
    session.container === 'MPEG_TS'
      ? `getHLSMediaPlaylist.m3u8?${q(token)}`
      : `getHLSMediaPlaylist.m3u8?${q(token)}&TrackNumber=${main!.trackNumber}`,
  );
  return `${lines.join('\n')}\n`;
}

export function renderMediaPlaylist(
  session: PlaybackSession,
  token: string,
  trackNumber: number,
  timeline: Timeline,
): string {
  const ts = session.container === 'MPEG_TS';
  const { entries } = timeline;
  const maxSeconds = entries.reduce((m, e) => Math.max(m, e.meta.durationMs / 1000), 1);
  const first = entries[0];
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${ts ? 3 : 7}`];
  if (session.mode === 'ON_DEMAND') lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
  lines.push(`#EXT-X-TARGETDURATION:${Math.ceil(maxSeconds)}`);
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${first?.sequence ?? 0}`);
  if (first && first.discontinuities > 0) {
    lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${first.discontinuities - (first.discontinuity ? 1 : 0)}`);
  }
  lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  let mappedHeader: number | undefined;
  for (const e of entries) {
    if (e.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (!ts && e.meta.headerId !== mappedHeader) {
      // SequenceNumber names the producer header (codec private data) the init segment is built from.
      lines.push(
        `#EXT-X-MAP:URI="getMP4InitFragment.mp4?${q(token)}&TrackNumber=${trackNumber}&SequenceNumber=${e.meta.headerId}"`,
      );
      mappedHeader = e.meta.headerId;
    }
    if (session.displayTimestamp) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(e.timeMs).toISOString()}`);
    lines.push(`#EXTINF:${(e.meta.durationMs / 1000).toFixed(3)},`);
    lines.push(
      ts
        ? `getTSFragment.ts?FragmentNumber=${e.meta.fragmentNumber}&${q(token)}`
        : `getMP4MediaFragment.mp4?FragmentNumber=${e.meta.fragmentNumber}&${q(token)}&TrackNumber=${trackNumber}`,
    );
  }
  if (timeline.complete) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
