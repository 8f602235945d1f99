/**
 * One fragment being received: its verbatim byte slices, block statistics and metadata, and the
 * per-fragment rules of spec §5.5. It decides nothing about storage or ACK transport.
 */
import type { AckErrorCode } from '../api/index.js';
import type { FragmentInput } from '../storage/types.js';
import type { IngestLimits } from './limits.js';

const RESERVED_TAG_PREFIX = 'AWS';
const encoder = new TextEncoder();

export class FragmentBuilder {
  readonly fragmentNumber: string;
  readonly clusterTimecode: number;
  readonly serverTimestampMs: number;
  readonly producerTimestampMs: number;
  readonly slices: Uint8Array[] = [];
  size = 0;
  #startsWithKeyFrame: boolean | undefined;
  /** Earliest and latest frame times, in timecode-scale units relative to the cluster. */
  #minRel = Infinity;
  #maxRelEnd = -Infinity;
  #metadataTags = 0;
  readonly #limits: IngestLimits;
  readonly #msPerTick: number;

  constructor(args: {
    fragmentNumber: string;
    clusterTimecode: number;
    serverTimestampMs: number;
    producerTimestampMs: number;
    msPerTick: number;
    limits: IngestLimits;
  }) {
    this.fragmentNumber = args.fragmentNumber;
    this.clusterTimecode = args.clusterTimecode;
    this.serverTimestampMs = args.serverTimestampMs;
    this.producerTimestampMs = args.producerTimestampMs;
    this.#msPerTick = args.msPerTick;
    this.#limits = args.limits;
  }

  addBytes(data: Uint8Array): AckErrorCode | undefined {
    this.slices.push(data);
    this.size += data.length;
    return this.size > this.#limits.maxFragmentBytes ? 'MAX_FRAGMENT_SIZE_REACHED' : undefined;
  }

  addBlock(
    relativeTimecode: number,
    keyframe: boolean,
    durationTc: number | undefined,
  ): AckErrorCode | undefined {
    this.#startsWithKeyFrame ??= keyframe;
    this.#minRel = Math.min(this.#minRel, relativeTimecode);
    this.#maxRelEnd = Math.max(this.#maxRelEnd, relativeTimecode + (durationTc ?? 0));
    return this.durationMs > this.#limits.maxFragmentDurationMs ? 'MAX_FRAGMENT_DURATION_REACHED' : undefined;
  }

  /** Producer metadata carried with this fragment; reserved AWS_* names are not counted. */
  addTags(tags: readonly { name: string; value: string }[]): AckErrorCode | undefined {
    for (const { name, value } of tags) {
      if (name.startsWith(RESERVED_TAG_PREFIX)) continue;
      this.#metadataTags += 1;
      if (
        this.#metadataTags > this.#limits.maxMetadataTagsPerFragment ||
        encoder.encode(name).length > this.#limits.maxMetadataNameBytes ||
        encoder.encode(value).length > this.#limits.maxMetadataValueBytes
      ) {
        return 'FRAGMENT_METADATA_LIMIT_REACHED';
      }
    }
    return undefined;
  }

  get hasFrames(): boolean {
    return this.#minRel !== Infinity;
  }

  /** Span from the earliest frame to the end of the latest one (its start when its duration is unknown). */
  get durationMs(): number {
    return this.hasFrames ? (this.#maxRelEnd - this.#minRel) * this.#msPerTick : 0;
  }

  toInput(): FragmentInput {
    return {
      fragmentNumber: this.fragmentNumber,
      producerTimestampMs: this.producerTimestampMs,
      serverTimestampMs: this.serverTimestampMs,
      durationMs: Math.round(this.durationMs),
      startsWithKeyFrame: this.#startsWithKeyFrame ?? false,
      clusterTimecode: this.clusterTimecode,
    };
  }
}
