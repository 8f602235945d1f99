/**
 * Packaging: stored KVS fragments (producer header + Cluster bytes) → ISO BMFF init / media segments,
 * MPEG-TS segments and progressive MP4 (design.md Part 2 "Packaging", spec §7.3–§7.5).
 *
 * Owns: reading tracks and blocks out of the stored Matroska, decode-time derivation, and writing the
 * output containers. Pure functions on Uint8Array: no HTTP, no storage, no sessions (src/playback and
 * src/archive call this). May import only core and mkv (eslint.config.mjs).
 *
 * Stability: this file is the public API other modules build on; keep signatures stable.
 */

/** Why media cannot be packaged; `exception` is the KVS exception name the API layer answers with. */
export type PackagingErrorCode =
  'UnsupportedStreamMediaType' | 'MissingCodecPrivateData' | 'InvalidCodecPrivateData' | 'InvalidMediaFrame';

export class PackagingError extends Error {
  readonly code: PackagingErrorCode;
  constructor(code: PackagingErrorCode, message: string) {
    super(message);
    this.name = 'PackagingError';
    this.code = code;
  }
  /** e.g. "UnsupportedStreamMediaTypeException" (spec §7.3 error set). */
  get exception(): string {
    return `${this.code}Exception`;
  }
}

export type TrackCodec = 'h264' | 'h265' | 'aac' | 'alaw' | 'mulaw';

export interface PackagedTrack {
  /** Matroska TrackNumber; also the ISO BMFF track_ID and the HLS/DASH TrackNumber parameter. */
  trackNumber: number;
  kind: 'video' | 'audio';
  codec: TrackCodec;
  /** RFC 6381 string for CODECS / codecs=, e.g. avc1.64001f, hvc1.1.6.L93.B0, mp4a.40.2, alaw, ulaw. */
  codecString: string;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
  /** Ticks per second of Sample times: 90000 for video, the sample rate for audio. */
  timescale: number;
  /** avcC / hvcC record, AudioSpecificConfig, or WAVEFORMATEX for G.711 (as stored). */
  codecPrivate: Uint8Array;
  /** Nominal frame duration in timescale ticks when known (DefaultDuration, AAC 1024 samples). */
  defaultDuration?: number;
}

export interface TrackSet {
  tracks: PackagedTrack[];
  /** Matroska TimecodeScale of the stream (ns per timecode tick). */
  timecodeScaleNs: number;
}

/**
 * Reads the stored producer header's Segment elements (StreamHeader.segmentHeader: Info, Tracks, …)
 * and describes the packageable tracks. Throws PackagingError: UnsupportedStreamMediaType (no
 * supported track 1 / codec), MissingCodecPrivateData, InvalidCodecPrivateData.
 */
export function describeTracks(header: { segmentHeader: Uint8Array }): TrackSet {
  void header;
  throw new Error('not implemented yet');
}

export interface Sample {
  trackNumber: number;
  /** Decode and presentation time in the track's timescale, absolute (see DemuxOptions). */
  dts: number;
  pts: number;
  /** Ticks until the next sample's dts (the last one: BlockDuration / default / previous delta). */
  duration: number;
  keyframe: boolean;
  /** Frame payload as stored (AVCC/HVCC length-prefixed NAL units, raw AAC, G.711 bytes); a view, no copy. */
  data: Uint8Array;
}

export interface DemuxOptions {
  /**
   * Epoch milliseconds that the Cluster Timecode stands for. Default: Timecode × TimecodeScale.
   * Playback passes FragmentMeta.producerTimestampMs so fragments of different PutMedia sessions
   * (relative timecodes restarting at 0) lie on one increasing timeline.
   */
  clusterTimeMs?: number;
}

export interface DemuxedFragment {
  /** Per track number: samples in decode order. Tracks of the header without blocks have []. */
  samples: Map<number, Sample[]>;
  /** Earliest presentation time of the fragment, epoch ms (per DemuxOptions). */
  startTimeMs: number;
  /** From the earliest presentation time to the end of the latest sample, ms. */
  durationMs: number;
}

/**
 * Demuxes one stored fragment (Cluster bytes + trailing level-1 elements) into samples. Times are
 * absolute, so each fragment can be packaged alone and cached, and tfdt stays continuous across
 * fragments. Throws PackagingError InvalidMediaFrame for malformed Cluster data.
 */
export function demuxFragment(set: TrackSet, fragment: Uint8Array, options?: DemuxOptions): DemuxedFragment {
  void set;
  void fragment;
  void options;
  throw new Error('not implemented yet');
}

/** fMP4 init segment: ftyp + moov (mvex/trex) with one trak per given track (HLS EXT-X-MAP, DASH). */
export function buildInitSegment(tracks: readonly PackagedTrack[]): Uint8Array {
  void tracks;
  throw new Error('not implemented yet');
}

/**
 * fMP4 media segment of one fragment: styp + moof (mfhd = sequenceNumber, one traf per given track,
 * tfdt = absolute decode time, trun with signed composition offsets and key-frame flags) + mdat.
 */
export function buildMediaSegment(
  tracks: readonly PackagedTrack[],
  fragment: DemuxedFragment,
  sequenceNumber: number,
): Uint8Array {
  void tracks;
  void fragment;
  void sequenceNumber;
  throw new Error('not implemented yet');
}

/**
 * MPEG-TS segment of one fragment with all given tracks: PAT/PMT at the start, PCR on the video PID,
 * PES with PTS/DTS, Annex B video with parameter sets before key frames, ADTS AAC. Continuity counters
 * start from `sequenceNumber` so consecutive segments continue (mod 16).
 */
export function buildTsSegment(
  tracks: readonly PackagedTrack[],
  fragment: DemuxedFragment,
  sequenceNumber: number,
): Uint8Array {
  void tracks;
  void fragment;
  void sequenceNumber;
  throw new Error('not implemented yet');
}

/**
 * Progressive (non-fragmented) MP4 for GetClip, built in two passes so it can be streamed with the
 * moov first: add() every fragment's samples (metadata only is kept), then header() gives
 * ftyp + moov + the mdat box header, then payload(fragment) for each fragment in the same order gives
 * the mdat bytes (views into the fragment, no copies).
 */
export class ProgressiveMp4Writer {
  constructor(tracks: readonly PackagedTrack[]) {
    void tracks;
    throw new Error('not implemented yet');
  }
  /** Pass 1; returns the mdat bytes this fragment adds. */
  add(fragment: DemuxedFragment): number {
    void fragment;
    throw new Error('not implemented yet');
  }
  /** ftyp + moov + mdat header, after every add(). */
  header(): Uint8Array {
    throw new Error('not implemented yet');
  }
  /** Pass 2: the fragment's mdat bytes, in add() order. */
  payload(fragment: DemuxedFragment): Uint8Array[] {
    void fragment;
    throw new Error('not implemented yet');
  }
}
