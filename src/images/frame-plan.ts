/**
 * Which decoded frame answers each sampled time (spec §7.6). The decode window (producer header
 * plus the clusters from a key frame up to the fragment holding the samples) is parsed with the
 * ingest parser to learn the first video track's frame times; each sample then takes the first
 * frame presented at or after it within its fragment, or the fragment's last frame when it falls
 * in that frame's display time. Pure: bytes in, a plan out; decoding is ffmpeg-decoder.ts's job.
 */
import { MkvIngestParser } from '../mkv/ingest-parser.js';
import { SEGMENT_UNKNOWN_SIZE_HEADER } from '../mkv/kvs-chunk.js';
import type { StreamHeader } from '../storage/types.js';

/** Matroska TrackType of video tracks. */
const VIDEO_TRACK = 1;

export interface WindowPlan {
  /** The bytes to feed the decoder: a Matroska stream of the header and the window's clusters. */
  input: Uint8Array;
  /** Length of one timecode tick in ms (TimecodeScale / 1e6). */
  msPerTick: number;
  /** Video frame times of the last fragment of the window, in absolute ticks, ascending. */
  frames: number[];
  /** Cluster timecode of the last fragment of the window. */
  clusterTimecode: number;
}

/** Parses the window; undefined when it has no video track or no video frame in the last fragment. */
export function planWindow(header: StreamHeader, clusters: readonly Uint8Array[]): WindowPlan | undefined {
  const parts = [header.ebmlHeader, SEGMENT_UNKNOWN_SIZE_HEADER, header.segmentHeader, ...clusters];
  const input = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    input.set(part, at);
    at += part.length;
  }
  const parser = new MkvIngestParser();
  let msPerTick = 1;
  let videoTrack: number | undefined;
  let clusterTimecode = 0;
  let frames: number[] = [];
  try {
    for (const event of [...parser.push(input), ...parser.end()]) {
      if (event.type === 'header') {
        msPerTick = event.timecodeScaleNs / 1e6;
        videoTrack = event.tracks.find((t) => t.type === VIDEO_TRACK)?.number;
      } else if (event.type === 'clusterStart') {
        clusterTimecode = event.timecode;
        frames = [];
      } else if (event.type === 'block' && event.track === videoTrack) {
        frames.push(clusterTimecode + event.relativeTimecode);
      }
    }
  } catch {
    return undefined; // unparseable stored bytes: the caller answers MEDIA_ERROR
  }
  if (videoTrack === undefined || frames.length === 0) return undefined;
  frames.sort((a, b) => a - b);
  return { input, msPerTick, frames: [...new Set(frames)], clusterTimecode };
}

/**
 * The frame (absolute ticks) shown for a sample `offsetMs` after the start of the window's last
 * fragment: the first frame at or after it, else the last frame before it.
 */
export function frameForOffset(plan: WindowPlan, offsetMs: number): number {
  const target = plan.clusterTimecode + offsetMs / plan.msPerTick;
  const epsilon = 1e-6;
  return plan.frames.find((tick) => tick >= target - epsilon) ?? plan.frames.at(-1)!;
}
