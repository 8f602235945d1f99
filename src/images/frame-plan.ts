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

interface ClusterScan {
  timecode: number;
  /** Video frame times in absolute ticks, in block (decode) order. */
  frames: number[];
  /** Whether the cluster's first video block is a key frame. */
  firstVideoKey: boolean | undefined;
}

interface Scan {
  input: Uint8Array;
  msPerTick: number;
  clusters: ClusterScan[];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Parses header + clusters; undefined when unparseable or without a video track. */
function scan(header: StreamHeader, clusters: readonly Uint8Array[]): Scan | undefined {
  const input = concat([header.ebmlHeader, SEGMENT_UNKNOWN_SIZE_HEADER, header.segmentHeader, ...clusters]);
  const parser = new MkvIngestParser();
  let msPerTick = 1;
  let videoTrack: number | undefined;
  const out: ClusterScan[] = [];
  try {
    for (const event of [...parser.push(input), ...parser.end()]) {
      if (event.type === 'header') {
        msPerTick = event.timecodeScaleNs / 1e6;
        videoTrack = event.tracks.find((t) => t.type === VIDEO_TRACK)?.number;
      } else if (event.type === 'clusterStart') {
        out.push({ timecode: event.timecode, frames: [], firstVideoKey: undefined });
      } else if (event.type === 'block' && event.track === videoTrack) {
        const cluster = out.at(-1);
        if (!cluster) continue;
        cluster.firstVideoKey ??= event.keyframe;
        cluster.frames.push(cluster.timecode + event.relativeTimecode);
      }
    }
  } catch {
    return undefined; // unparseable stored bytes: the caller answers MEDIA_ERROR
  }
  return videoTrack === undefined ? undefined : { input, msPerTick, clusters: out };
}

/**
 * Whether decoding can start at this fragment: its first video block is a key frame. A
 * fragment's own "starts with a key frame" flag is not enough, as its first block may be audio.
 */
export function startsWithVideoKeyFrame(header: StreamHeader, cluster: Uint8Array): boolean {
  return scan(header, [cluster])?.clusters[0]?.firstVideoKey === true;
}

/** Parses the window; undefined when it has no video track or no video frame in the last fragment. */
export function planWindow(header: StreamHeader, clusters: readonly Uint8Array[]): WindowPlan | undefined {
  const scanned = scan(header, clusters);
  const last = scanned?.clusters.at(-1);
  if (!scanned || !last || last.frames.length === 0) return undefined;
  const frames = [...new Set(last.frames)].sort((a, b) => a - b);
  return { input: scanned.input, msPerTick: scanned.msPerTick, frames, clusterTimecode: last.timecode };
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
