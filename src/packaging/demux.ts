/**
 * Stored fragment → samples per track with absolute decode/presentation times in track timescale.
 *
 * Owns: mapping Matroska timecodes to track ticks (DemuxOptions.clusterTimeMs, spec §5.4) and calling
 * timing.ts for decode order. Must not know: output containers.
 */
import { MkvFormatError } from '../mkv/ebml.js';
import { readCluster, type ClusterBlock } from '../mkv/cluster-reader.js';
import { PackagingError } from './errors.js';
import { decodeTimes } from './timing.js';
import type { DemuxedFragment, DemuxOptions, Sample, TrackSet } from './types.js';

export function demuxFragment(
  set: TrackSet,
  fragment: Uint8Array,
  options: DemuxOptions = {},
): DemuxedFragment {
  let cluster;
  try {
    cluster = readCluster(fragment);
  } catch (err) {
    if (err instanceof MkvFormatError) throw new PackagingError('InvalidMediaFrame', err.message);
    throw err;
  }
  const msPerTick = set.timecodeScaleNs / 1e6;
  const baseMs = options.clusterTimeMs ?? cluster.timecode * msPerTick;
  const byTrack = new Map<number, ClusterBlock[]>();
  for (const t of set.tracks) byTrack.set(t.trackNumber, []);
  for (const b of cluster.blocks) byTrack.get(b.track)?.push(b); // blocks of other tracks are left out
  const samples = new Map<number, Sample[]>();
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const track of set.tracks) {
    const blocks = byTrack.get(track.trackNumber)!;
    const ticksPerMs = track.timescale / 1000;
    const pts = blocks.map((b) => Math.round((baseMs + b.relativeTimecode * msPerTick) * ticksPerMs));
    const last = blocks[blocks.length - 1];
    const lastDuration =
      last?.durationTc !== undefined ? Math.round(last.durationTc * msPerTick * ticksPerMs) : undefined;
    const { dts, durations } = decodeTimes(pts, track.defaultDuration, lastDuration);
    const out: Sample[] = new Array<Sample>(blocks.length);
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      out[i] = {
        trackNumber: track.trackNumber,
        dts: dts[i]!,
        pts: pts[i]!,
        duration: durations[i]!,
        keyframe: track.kind === 'audio' || b.keyframe,
        data: b.data,
      };
      startMs = Math.min(startMs, pts[i]! / ticksPerMs);
      endMs = Math.max(endMs, (pts[i]! + durations[i]!) / ticksPerMs);
    }
    samples.set(track.trackNumber, out);
  }
  if (startMs === Infinity) startMs = endMs = baseMs;
  return { samples, startTimeMs: startMs, durationMs: endMs - startMs };
}
