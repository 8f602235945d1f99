/**
 * Data types shared by the packaging modules (re-exported by index.ts, the public API).
 */
export type TrackCodec = 'h264' | 'h265' | 'aac' | 'alaw' | 'mulaw';

export interface PackagedTrack {
  /** Matroska TrackNumber; also the ISO BMFF track_ID and the HLS/DASH TrackNumber parameter. */
  trackNumber: number;
  kind: 'video' | 'audio';
  codec: TrackCodec;
  /** RFC 6381 string for CODECS / codecs=, e.g. avc1.64001f, hvc1.1.6.L60.90, mp4a.40.2, alaw, ulaw. */
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

export interface Sample {
  trackNumber: number;
  /** Decode and presentation time in the track's timescale, absolute (see DemuxOptions). */
  dts: number;
  pts: number;
  /** Ticks until the next sample's dts (the last one: BlockDuration, nominal, or previous delta). */
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
  /** Per track number of the TrackSet: samples in decode order ([] when the track has none here). */
  samples: Map<number, Sample[]>;
  /** Earliest presentation time of the fragment, ms on the DemuxOptions timeline. */
  startTimeMs: number;
  /** From the earliest presentation time to the end of the latest sample, ms. */
  durationMs: number;
}
