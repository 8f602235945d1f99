/**
 * Packaging: stored KVS fragments (producer header + Cluster bytes) → ISO BMFF init / media segments,
 * MPEG-TS segments and progressive MP4 (design.md Part 2 "Packaging", spec §7.3–§7.5).
 *
 * Owns: reading tracks and blocks out of the stored Matroska, decode-time derivation (timing.ts), and
 * writing the output containers. Pure functions on Uint8Array: no HTTP, no storage, no sessions
 * (src/playback and src/archive call this). May import only core and mkv (eslint.config.mjs).
 *
 * Typical use (one KVS fragment → one HLS segment):
 *   const set = describeTracks(storedHeader);            // throws PackagingError
 *   const tracks = checkTracksFor('hls-fmp4', set);       // KVS media rules per API
 *   const demuxed = demuxFragment(set, payload, { clusterTimeMs: meta.producerTimestampMs });
 *   buildInitSegment([tracks[0]]); buildMediaSegment([tracks[0]], demuxed, sequenceNumber);
 *
 * Stability: this file is the public API other modules build on; keep signatures stable.
 */
export { PackagingError, type PackagingErrorCode } from './errors.js';
export type { DemuxedFragment, DemuxOptions, PackagedTrack, Sample, TrackCodec, TrackSet } from './types.js';

/**
 * Reads the stored producer header's Segment elements (StreamHeader.segmentHeader: Info, Tracks, …)
 * and describes its video and audio tracks (sorted by track number). Throws PackagingError:
 * UnsupportedStreamMediaType (no media track, or a codec other than H.264/H.265/AAC/G.711),
 * MissingCodecPrivateData, InvalidCodecPrivateData.
 */
export { describeTracks, checkTracksFor, type PackagingPurpose, VIDEO_TIMESCALE } from './tracks.js';

/**
 * demuxFragment(set, fragmentBytes, options?): one stored fragment (Cluster bytes + trailing level-1
 * elements) → samples per track in decode order, with absolute times in track timescale (so each
 * fragment can be packaged alone and cached, and tfdt stays continuous). Throws PackagingError
 * InvalidMediaFrame for malformed Cluster data.
 */
export { demuxFragment } from './demux.js';

/**
 * buildInitSegment(tracks): ftyp + moov (mvex/trex), one trak per given track (HLS EXT-X-MAP, DASH).
 * buildMediaSegment(tracks, demuxed, sequenceNumber): styp + moof (mfhd = sequenceNumber, one traf per
 * given track, tfdt = absolute decode time, trun with composition offsets and key-frame flags) + mdat.
 */
export { buildInitSegment, buildMediaSegment } from './fmp4.js';

/** The one function that derives decode times from presentation times (see timing.ts). */
export { decodeTimes } from './timing.js';

/**
 * buildTsSegment(tracks, demuxed, sequenceNumber): MPEG-TS segment of one fragment with all given
 * tracks (PAT/PMT, PCR on the video PID, PES with PTS/DTS, Annex B with parameter sets before key
 * frames, ADTS AAC). H.264/H.265 and AAC only.
 */
export { buildTsSegment } from './mpegts.js';

/**
 * ProgressiveMp4Writer: GetClip's MP4 (ftyp, moov with complete sample tables, mdat), built in two
 * passes so it streams with the moov first: add(demuxed) per fragment (metadata only is kept),
 * header() → ftyp + moov + mdat header, then payload(demuxed) per fragment in the same order.
 */
export { ProgressiveMp4Writer } from './progressive-mp4.js';
