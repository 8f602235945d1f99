/**
 * GetClip (spec §7.3): the fragments a ClipFragmentSelector selects, packaged as one progressive MP4
 * (src/packaging ProgressiveMp4Writer) and streamed with the moov first.
 *
 * Owns: KVS's range rules (fragments whose start time in the chosen clock lies in [Start, End], End
 * after Start and within 24 h of it, End in the past for SERVER_TIMESTAMP), the retention requirement,
 * the 200-fragment / 100 MB truncation, the rule that tracks and codec private data stay the same
 * across the clip, and the mapping of packaging failures to KVS exceptions.
 *
 * Memory: pass 1 reads and demuxes each selected fragment; the payloads of the first KEEP_BYTES are
 * kept for pass 2, later ones are read again while the response is written, so a clip costs at most
 * KEEP_BYTES plus a few fragments of memory, not 100 MB. Reads run READ_AHEAD fragments ahead of the
 * demuxer (bench/packaging.ts: sequential 1 MB reads made GetClip I/O-bound). Every refusal happens in
 * pass 1, before the 200 header; a fragment that vanishes between the passes (retention running at
 * that instant) ends the response early (the client sees a short body).
 */
import { Readable } from 'node:stream';
import type { archived } from '../api/index.js';
import { invalidArgument, KvsError, resourceNotFound } from '../core/errors.js';
import {
  checkTracksFor,
  demuxFragment,
  describeTracks,
  PackagingError,
  ProgressiveMp4Writer,
  type DemuxedFragment,
  type PackagedTrack,
  type TrackSet,
} from '../packaging/index.js';
import type { FragmentMeta, FragmentStore, StreamRecord } from '../storage/types.js';

export interface ClipLimits {
  /** KVS: the first 200 fragments (spec §10). */
  maxFragments: number;
  /** KVS: the first 100 MB of media (spec §10). */
  maxBytes: number;
  /** Payload bytes of pass 1 kept for pass 2 (default KEEP_BYTES); the rest is read again. */
  keepBytes?: number;
}

export const KVS_CLIP_LIMITS: ClipLimits = { maxFragments: 200, maxBytes: 100 * 1024 * 1024 };

const MAX_RANGE_MS = 24 * 3600 * 1000;
/** Payload bytes of pass 1 kept for pass 2 instead of reading them again. */
const KEEP_BYTES = 32 * 1024 * 1024;
/** Fragment reads in flight ahead of the one being packaged. */
const READ_AHEAD = 3;

export const NO_FRAGMENTS_MESSAGE = 'No fragments found in the stream for the streaming request.';

export interface Clip {
  contentType: 'video/mp4';
  body: Readable;
  /** The fragments in the clip, in order (for logging and tests). */
  fragments: FragmentMeta[];
}

const toKvs = (err: unknown): unknown =>
  err instanceof PackagingError ? new KvsError(err.exception, err.message, 400) : err;

async function readPayload(store: FragmentStore, streamId: string, meta: FragmentMeta): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const piece of store.openPayload(streamId, meta)) parts.push(piece as Buffer);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** The payloads of `metas` in order, with up to READ_AHEAD reads in flight. */
async function* readAhead(
  store: FragmentStore,
  streamId: string,
  metas: readonly FragmentMeta[],
): AsyncGenerator<[FragmentMeta, Uint8Array]> {
  const pending: Promise<Uint8Array>[] = [];
  let next = 0;
  const fill = (): void => {
    while (next < metas.length && pending.length < READ_AHEAD) {
      const read = readPayload(store, streamId, metas[next++]!);
      read.catch(() => undefined); // awaited below; a read left behind by an early stop must not crash
      pending.push(read);
    }
  };
  fill();
  for (const meta of metas) {
    const bytes = await pending.shift()!;
    fill();
    yield [meta, bytes];
  }
}

/** Tracks and codec private data must not change within a clip (KVS GetClip reference). */
function sameTracks(a: readonly PackagedTrack[], b: readonly PackagedTrack[]): void {
  const shape = (ts: readonly PackagedTrack[]): string => ts.map((t) => `${t.trackNumber}:${t.codec}`).join();
  if (shape(a) !== shape(b)) {
    throw new KvsError(
      'UnsupportedStreamMediaTypeException',
      'The tracks of the stream change within the clip.',
    );
  }
  a.forEach((t, i) => {
    if (Buffer.compare(t.codecPrivate, b[i]!.codecPrivate) !== 0) {
      throw new KvsError(
        'InvalidCodecPrivateDataException',
        `The codec private data of track ${t.trackNumber} changes within the clip.`,
      );
    }
  });
}

/** The fragments of the range, in timestamp order, before truncation (at most maxFragments). */
export function selectClipFragments(
  store: FragmentStore,
  stream: StreamRecord,
  selector: archived.ClipFragmentSelector,
  nowMs: number,
  limits: ClipLimits = KVS_CLIP_LIMITS,
): FragmentMeta[] {
  if (stream.dataRetentionInHours === 0) {
    throw new KvsError(
      'NoDataRetentionException',
      'The stream does not retain data (DataRetentionInHours is 0); GetClip needs archived media.',
    );
  }
  const { StartTimestamp, EndTimestamp } = selector.TimestampRange;
  const startMs = StartTimestamp * 1000;
  const endMs = EndTimestamp * 1000;
  if (!(endMs > startMs)) throw invalidArgument('The EndTimestamp must be later than the StartTimestamp.');
  if (endMs - startMs > MAX_RANGE_MS) {
    throw invalidArgument('The EndTimestamp must be within 24 hours of the StartTimestamp.');
  }
  const server = selector.FragmentSelectorType === 'SERVER_TIMESTAMP';
  if (server && endMs > nowMs)
    throw invalidArgument('The EndTimestamp must be in the past for SERVER_TIMESTAMP.');
  // Start is inclusive and compared with the fragment's start (a fragment straddling it is out),
  // End is inclusive too (a fragment starting at or before it is in): listByTimestamp's semantics.
  const selected = store.listByTimestamp(
    stream.streamId,
    server ? 'SERVER' : 'PRODUCER',
    startMs,
    endMs,
    limits.maxFragments,
  );
  if (selected.length === 0) throw resourceNotFound(NO_FRAGMENTS_MESSAGE);
  return selected;
}

/** Validates, plans (pass 1) and returns the streaming body (pass 2). Throws KvsError. */
export async function createClip(
  store: FragmentStore,
  stream: StreamRecord,
  selector: archived.ClipFragmentSelector,
  nowMs: number,
  limits: ClipLimits = KVS_CLIP_LIMITS,
): Promise<Clip> {
  const candidates = selectClipFragments(store, stream, selector, nowMs, limits);
  const sets = new Map<number, TrackSet>();
  const trackSet = (meta: FragmentMeta): TrackSet => {
    let set = sets.get(meta.headerId);
    if (!set) {
      const header = store.getHeader(stream.streamId, meta.headerId);
      if (!header) throw resourceNotFound(NO_FRAGMENTS_MESSAGE);
      set = describeTracks(header);
      sets.set(meta.headerId, set);
    }
    return set;
  };
  const demux = (meta: FragmentMeta, payload: Uint8Array): DemuxedFragment =>
    demuxFragment(trackSet(meta), payload, {
      clusterTimeMs: meta.producerTimestampMs, // one media timeline for both selector clocks
    });

  let tracks: PackagedTrack[] | undefined;
  let writer: ProgressiveMp4Writer | undefined;
  const fragments: FragmentMeta[] = [];
  const kept: DemuxedFragment[] = [];
  let keptBytes = 0;
  try {
    for await (const [meta, payload] of readAhead(store, stream.streamId, candidates)) {
      const set = trackSet(meta);
      const these = checkTracksFor('clip', set);
      if (tracks) sameTracks(tracks, these);
      else tracks = these;
      writer ??= new ProgressiveMp4Writer(tracks);
      const demuxed = demux(meta, payload);
      let bytes = 0;
      for (const t of tracks)
        for (const s of demuxed.samples.get(t.trackNumber) ?? []) bytes += s.data.length;
      // Truncate at the first 100 MB, but never to an empty clip.
      if (fragments.length > 0 && writer.mediaBytes + bytes > limits.maxBytes) break;
      writer.add(demuxed);
      fragments.push(meta);
      if (
        kept.length === fragments.length - 1 &&
        keptBytes + payload.length <= (limits.keepBytes ?? KEEP_BYTES)
      ) {
        kept.push(demuxed);
        keptBytes += payload.length;
      }
    }
  } catch (err) {
    throw toKvs(err);
  }
  const planned = writer!;
  async function* body(): AsyncGenerator<Uint8Array> {
    yield planned.header();
    const reuse = kept.length;
    // shift(): each kept fragment is let go once written.
    for (let d = kept.shift(); d; d = kept.shift()) yield Buffer.concat(planned.payload(d));
    for await (const [meta, payload] of readAhead(store, stream.streamId, fragments.slice(reuse))) {
      yield Buffer.concat(planned.payload(demux(meta, payload)));
    }
  }
  return {
    contentType: 'video/mp4',
    body: Readable.from(body(), { objectMode: false, highWaterMark: 1024 * 1024 }),
    fragments,
  };
}
