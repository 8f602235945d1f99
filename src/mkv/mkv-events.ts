/**
 * The events the PutMedia parser (ingest-parser.ts) emits, and its options.
 *
 * Owns: the event vocabulary shared by the parser and its byte router. Must not know: parsing.
 */
import type { TrackInfo } from './header-elements.js';
import type { SimpleTag } from './tags.js';

export type MkvEvent =
  | {
      type: 'header';
      /** The EBML header element exactly as sent (ID + size + payload). */
      ebmlHeader: Uint8Array;
      /** Every level-1 element between the Segment size field and the first Cluster, verbatim. */
      segmentHeader: Uint8Array;
      timecodeScaleNs: number;
      tracks: TrackInfo[];
    }
  | { type: 'clusterStart'; timecode: number }
  | { type: 'bytes'; data: Uint8Array }
  | { type: 'block'; track: number; relativeTimecode: number; keyframe: boolean; durationTc?: number }
  | { type: 'tags'; simpleTags: SimpleTag[]; reservedOnly: boolean }
  | { type: 'clusterEnd' }
  | { type: 'segmentEnd' }
  /** The body ended inside an element: a fragment without clusterEnd must be discarded. */
  | { type: 'truncated' };

export interface MkvIngestParserOptions {
  /** Largest buffered element (a Tags element, or any element before the first Cluster). Default 4 MiB. */
  maxElementSize?: number;
  /**
   * Largest Tags element after the first Cluster (fragment metadata and EoFR, spec §5.3). KVS allows
   * 10 metadata tags of ≤ 128 + 256 bytes per fragment (spec §10), a few KiB; default 256 KiB.
   */
  maxTagsSize?: number;
  /** Largest total of the EBML header, the Segment header elements, or a Cluster's bytes before its Timecode. Default 4 MiB. */
  maxHeaderSize?: number;
}
