/**
 * Track description from the stored producer header (StreamHeader.segmentHeader: the level-1 elements
 * before the first Cluster, spec §6.3 item 3).
 *
 * Owns: which Matroska codecs are packageable (spec §7.3/§7.4 media requirements), their timescales and
 * codec strings, and the purpose checks of GetClip / HLS / DASH. Must not know: fragments or containers.
 */
import { forEachChild, readFloat, readString, readUint, MkvFormatError } from '../mkv/ebml.js';
import { EbmlId } from '../mkv/ids.js';
import { parseAudioSpecificConfig, parseAvcC, parseHvcC, parseWaveFormatEx } from './codec-config.js';
import { PackagingError } from './errors.js';
import type { PackagedTrack, TrackSet } from './types.js';

/** Video times are in the 90 kHz clock MPEG-TS uses, so TS and fMP4 share the numbers. */
export const VIDEO_TIMESCALE = 90_000;

interface RawTrack {
  number: number;
  type: number;
  codecId: string;
  codecPrivate?: Uint8Array;
  defaultDurationNs?: number;
  width?: number;
  height?: number;
  samplingFrequency?: number;
  channels?: number;
}

function readTrackEntry(buf: Uint8Array, s: number, e: number): RawTrack {
  const t: RawTrack = { number: 0, type: 0, codecId: '' };
  forEachChild(buf, s, e, (id, fs, fe) => {
    if (id === EbmlId.TrackNumber) t.number = readUint(buf, fs, fe);
    else if (id === EbmlId.TrackType) t.type = readUint(buf, fs, fe);
    else if (id === EbmlId.CodecID) t.codecId = readString(buf, fs, fe);
    else if (id === EbmlId.CodecPrivate) t.codecPrivate = buf.subarray(fs, fe);
    else if (id === EbmlId.DefaultDuration) t.defaultDurationNs = readUint(buf, fs, fe);
    else if (id === EbmlId.Video) {
      forEachChild(buf, fs, fe, (vid, vs, ve) => {
        if (vid === EbmlId.PixelWidth) t.width = readUint(buf, vs, ve);
        else if (vid === EbmlId.PixelHeight) t.height = readUint(buf, vs, ve);
      });
    } else if (id === EbmlId.Audio) {
      forEachChild(buf, fs, fe, (aid, as, ae) => {
        if (aid === EbmlId.SamplingFrequency) t.samplingFrequency = readFloat(buf, as, ae);
        else if (aid === EbmlId.Channels) t.channels = readUint(buf, as, ae);
      });
    }
  });
  return t;
}

function packaged(t: RawTrack): PackagedTrack {
  const cp = t.codecPrivate;
  const need = (): Uint8Array => {
    if (!cp || cp.length === 0) {
      throw new PackagingError(
        'MissingCodecPrivateData',
        `track ${t.number} (${t.codecId}) has no codec private data`,
      );
    }
    return cp;
  };
  const base = { trackNumber: t.number };
  const frameTicks = (timescale: number): number | undefined =>
    t.defaultDurationNs ? Math.round((t.defaultDurationNs * timescale) / 1e9) : undefined;
  switch (t.codecId) {
    case 'V_MPEG4/ISO/AVC':
    case 'V_MPEGH/ISO/HEVC': {
      const h265 = t.codecId === 'V_MPEGH/ISO/HEVC';
      const record = need();
      const config = h265 ? parseHvcC(record) : parseAvcC(record);
      const out: PackagedTrack = {
        ...base,
        kind: 'video',
        codec: h265 ? 'h265' : 'h264',
        codecString: config.codecString,
        timescale: VIDEO_TIMESCALE,
        codecPrivate: record,
      };
      if (t.width) out.width = t.width;
      if (t.height) out.height = t.height;
      const d = frameTicks(VIDEO_TIMESCALE);
      if (d) out.defaultDuration = d;
      return out;
    }
    case 'A_AAC': {
      const record = need();
      const aac = parseAudioSpecificConfig(record);
      return {
        ...base,
        kind: 'audio',
        codec: 'aac',
        codecString: aac.codecString,
        sampleRate: aac.sampleRate,
        channels: aac.channels || t.channels || 2,
        timescale: aac.sampleRate,
        codecPrivate: record,
        defaultDuration: aac.frameLength,
      };
    }
    case 'A_MS/ACM': {
      const wave = parseWaveFormatEx(need());
      if (wave.formatTag !== 6 && wave.formatTag !== 7) {
        throw new PackagingError(
          'UnsupportedStreamMediaType',
          `track ${t.number}: A_MS/ACM format tag ${wave.formatTag} is not G.711`,
        );
      }
      const alaw = wave.formatTag === 6;
      return {
        ...base,
        kind: 'audio',
        codec: alaw ? 'alaw' : 'mulaw',
        codecString: alaw ? 'alaw' : 'ulaw',
        sampleRate: wave.sampleRate,
        channels: wave.channels,
        timescale: wave.sampleRate,
        codecPrivate: cp!,
      };
    }
    default:
      throw new PackagingError(
        'UnsupportedStreamMediaType',
        `track ${t.number} has codec ${t.codecId || '(none)'}, which cannot be packaged`,
      );
  }
}

/** See index.ts. */
export function describeTracks(header: { segmentHeader: Uint8Array }): TrackSet {
  const buf = header.segmentHeader;
  let timecodeScaleNs = 1_000_000;
  const raw: RawTrack[] = [];
  try {
    forEachChild(buf, 0, buf.length, (id, s, e) => {
      if (id === EbmlId.Info) {
        forEachChild(buf, s, e, (iid, is, ie) => {
          if (iid === EbmlId.TimecodeScale) timecodeScaleNs = readUint(buf, is, ie) || 1_000_000;
        });
      } else if (id === EbmlId.Tracks) {
        forEachChild(buf, s, e, (tid, ts, te) => {
          if (tid === EbmlId.TrackEntry) raw.push(readTrackEntry(buf, ts, te));
        });
      }
    });
  } catch (err) {
    if (err instanceof MkvFormatError) throw new PackagingError('UnsupportedStreamMediaType', err.message);
    throw err;
  }
  // Only video and audio tracks are media; other tracks (subtitles, metadata) are left out.
  const media = raw.filter((t) => t.type === 1 || t.type === 2).sort((a, b) => a.number - b.number);
  if (media.length === 0)
    throw new PackagingError('UnsupportedStreamMediaType', 'the stream has no media track');
  return { tracks: media.map(packaged), timecodeScaleNs };
}

export type PackagingPurpose = 'clip' | 'hls-fmp4' | 'hls-ts' | 'dash';

/**
 * KVS's track combinations per API ("Video playback track requirements" of the KVS developer guide,
 * spec §7.3–§7.5): track 1 H.264 or H.265; track 2 optional AAC, or G.711 A-law with H.264 (GetClip,
 * DASH) and µ-law with H.264 (DASH only); AAC alone as track 1 for HLS and DASH. Returns the tracks to
 * package (track 1, and track 2 when present); other tracks are ignored.
 */
export function checkTracksFor(purpose: PackagingPurpose, set: TrackSet): PackagedTrack[] {
  const first = set.tracks.find((t) => t.trackNumber === 1);
  const second = set.tracks.find((t) => t.trackNumber === 2);
  const refuse = (why: string): never => {
    throw new PackagingError('UnsupportedStreamMediaType', why);
  };
  if (!first) return refuse('track 1 must be H.264 or H.265 video');
  const audioOnly = first.codec === 'aac' && !second && purpose !== 'clip';
  if (first.kind !== 'video' && !audioOnly) {
    refuse(`track 1 is ${first.codec}; it must be H.264 or H.265 video`);
  }
  if (!second) return [first];
  const ok =
    second.codec === 'aac' ||
    (first.codec === 'h264' && second.codec === 'alaw' && (purpose === 'clip' || purpose === 'dash')) ||
    (first.codec === 'h264' && second.codec === 'mulaw' && purpose === 'dash');
  if (!ok || first.kind !== 'video') {
    refuse(`track 2 (${second.codec}) with track 1 (${first.codec}) is not supported for this request`);
  }
  return [first, second];
}
