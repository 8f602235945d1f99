/**
 * Playback's use of src/packaging: the tracks a session plays (packaging's KVS rules per purpose),
 * and cached init, fMP4 media and MPEG-TS segments per stored fragment.
 *
 * Owns: the track rules per protocol, the caches, reading fragment payloads from storage, and
 * turning PackagingError into the KVS exception. Must not know: sessions, HTTP, playlists.
 */
import { KvsError } from '../core/errors.js';
import {
  buildInitSegment,
  buildMediaSegment,
  buildTsSegment,
  checkTracksFor,
  demuxFragment,
  describeTracks,
  PackagingError,
  type DemuxedFragment,
  type PackagedTrack,
  type PackagingPurpose,
  type TrackSet,
} from '../packaging/index.js';
import { parseFragmentNumber } from '../core/fragment-number.js';
import type { FragmentMeta, FragmentStore } from '../storage/types.js';
import { ByteCache } from './byte-cache.js';
import type { ContainerFormat, SessionKind } from './session.js';

export const DEFAULT_PACKAGE_CACHE_BYTES = 64 * 1024 * 1024;

export function toKvs(err: unknown): unknown {
  return err instanceof PackagingError ? new KvsError(err.exception, err.message, 400) : err;
}

/** The packaging purpose whose KVS track rules a session follows (spec §7.4, §7.5). */
function purposeOf(kind: SessionKind, container: ContainerFormat): PackagingPurpose {
  if (kind === 'DASH') return 'dash';
  return container === 'MPEG_TS' ? 'hls-ts' : 'hls-fmp4';
}

/** mfhd sequence number: increasing with the fragment number (its millisecond part), never 0. */
function mfhdSequence(fragmentNumber: string): number {
  const counter = parseFragmentNumber(fragmentNumber) ?? 0n;
  return Number((counter / 1000n) % 0x7fffffffn) + 1;
}

export class Packager {
  readonly #store: FragmentStore;
  readonly #segments: ByteCache<Uint8Array>;
  readonly #trackSets = new Map<string, TrackSet>();

  constructor(store: FragmentStore, cacheBytes = DEFAULT_PACKAGE_CACHE_BYTES) {
    this.#store = store;
    this.#segments = new ByteCache(cacheBytes);
  }

  /** The stream header's tracks; throws the KVS media exceptions. */
  trackSet(streamId: string, headerId: number): TrackSet {
    const key = `${streamId}/${headerId}`;
    let set = this.#trackSets.get(key);
    if (!set) {
      const header = this.#store.getHeader(streamId, headerId);
      if (!header)
        throw new KvsError(
          'ResourceNotFoundException',
          'No fragments found in the stream for the streaming request.',
          404,
        );
      try {
        set = describeTracks(header);
      } catch (err) {
        throw toKvs(err);
      }
      if (this.#trackSets.size > 1000) this.#trackSets.clear();
      this.#trackSets.set(key, set);
    }
    return set;
  }

  /** The tracks a session plays: track 1, and track 2 when present (others are ignored). */
  tracks(streamId: string, headerId: number, kind: SessionKind, container: ContainerFormat): PackagedTrack[] {
    const set = this.trackSet(streamId, headerId);
    try {
      return checkTracksFor(purposeOf(kind, container), set);
    } catch (err) {
      throw toKvs(err);
    }
  }

  async demux(streamId: string, meta: FragmentMeta): Promise<DemuxedFragment> {
    const set = this.trackSet(streamId, meta.headerId);
    const chunks: Uint8Array[] = [];
    for await (const piece of this.#store.openPayload(streamId, meta)) chunks.push(piece as Uint8Array);
    try {
      return demuxFragment(set, Buffer.concat(chunks), { clusterTimeMs: meta.producerTimestampMs });
    } catch (err) {
      throw toKvs(err);
    }
  }

  #cached(key: string, build: () => Uint8Array): Uint8Array {
    let bytes = this.#segments.get(key);
    if (!bytes) {
      try {
        bytes = build();
      } catch (err) {
        throw toKvs(err);
      }
      this.#segments.set(key, bytes);
    }
    return bytes;
  }

  init(streamId: string, headerId: number, track: PackagedTrack): Uint8Array {
    return this.#cached(`${streamId}/h${headerId}/init/${track.trackNumber}`, () =>
      buildInitSegment([track]),
    );
  }

  async media(streamId: string, meta: FragmentMeta, track: PackagedTrack): Promise<Uint8Array> {
    const key = `${streamId}/${meta.fragmentNumber}/mp4/${track.trackNumber}`;
    const hit = this.#segments.get(key);
    if (hit) return hit;
    const demuxed = await this.demux(streamId, meta);
    return this.#cached(key, () => buildMediaSegment([track], demuxed, mfhdSequence(meta.fragmentNumber)));
  }

  async ts(streamId: string, meta: FragmentMeta, tracks: readonly PackagedTrack[]): Promise<Uint8Array> {
    const key = `${streamId}/${meta.fragmentNumber}/ts`;
    const hit = this.#segments.get(key);
    if (hit) return hit;
    const demuxed = await this.demux(streamId, meta);
    // Continuity counters start anywhere; players tolerate a jump between segments (ISO 13818-1
    // allows a discontinuity indicator), and a stateless server cannot know the previous segment.
    return this.#cached(key, () => buildTsSegment(tracks, demuxed, 0));
  }
}
