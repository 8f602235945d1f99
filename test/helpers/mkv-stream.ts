/** Builds small synthetic Matroska streams for ingest tests, with kvideo's own EBML writer. */
import { EbmlId } from '../../src/mkv/ids.js';
import { buildTags, concatBytes, stringElement, uintElement, writeElement } from '../../src/mkv/writer.js';

export interface BlockSpec {
  track?: number;
  /** Relative timecode (int16) in timecode-scale units. */
  rel: number;
  key?: boolean;
  /** Frame payload size in bytes. */
  size?: number;
}

export interface ClusterSpec {
  timecode: number;
  blocks: BlockSpec[];
  unknownSize?: boolean;
}

export function ebmlHeader(): Uint8Array {
  return writeElement(EbmlId.EBML, [
    uintElement(EbmlId.EBMLVersion, 1),
    uintElement(EbmlId.EBMLReadVersion, 1),
    uintElement(EbmlId.EBMLMaxIDLength, 4),
    uintElement(EbmlId.EBMLMaxSizeLength, 8),
    stringElement(EbmlId.DocType, 'matroska'),
    uintElement(EbmlId.DocTypeVersion, 2),
    uintElement(EbmlId.DocTypeReadVersion, 2),
  ]);
}

/** Segment start with the 8-byte unknown size, then Info and Tracks. */
export function segmentHead(trackCount = 1, timecodeScaleNs = 1_000_000): Uint8Array {
  const tracks = Array.from({ length: trackCount }, (_, i) =>
    writeElement(EbmlId.TrackEntry, [
      uintElement(EbmlId.TrackNumber, i + 1),
      uintElement(EbmlId.TrackUID, i + 1),
      uintElement(EbmlId.TrackType, i === 0 ? 1 : 2),
      stringElement(EbmlId.CodecID, i === 0 ? 'V_MPEG4/ISO/AVC' : 'A_AAC'),
    ]),
  );
  return concatBytes([
    Uint8Array.of(0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    writeElement(EbmlId.Info, [
      uintElement(EbmlId.TimecodeScale, timecodeScaleNs),
      stringElement(EbmlId.MuxingApp, 'kvideo-test'),
    ]),
    writeElement(EbmlId.Tracks, tracks),
  ]);
}

function simpleBlock(b: BlockSpec, fill: number): Uint8Array {
  const size = b.size ?? 16;
  const data = new Uint8Array(4 + size).fill(fill & 0xff);
  data[0] = 0x80 | (b.track ?? 1);
  new DataView(data.buffer).setInt16(1, b.rel);
  data[3] = b.key ? 0x80 : 0x00;
  return writeElement(EbmlId.SimpleBlock, data);
}

export function cluster(spec: ClusterSpec): Uint8Array {
  return writeElement(
    EbmlId.Cluster,
    [
      uintElement(EbmlId.Timecode, spec.timecode),
      ...spec.blocks.map((b, i) => simpleBlock(b, spec.timecode + i)),
    ],
    spec.unknownSize ? { unknownSize: true } : {},
  );
}

/** A producer metadata Tags element (spec §5.2). */
export function tags(simpleTags: { name: string; value: string }[]): Uint8Array {
  return buildTags(simpleTags);
}

/** `count` one-second key-frame clusters starting at `startTc`, each with 25 frames of `frameSize` bytes. */
export function clusters(count: number, startTc = 0, frameSize = 64): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    cluster({
      timecode: startTc + i * 1000,
      blocks: Array.from({ length: 25 }, (_, f) => ({ rel: f * 40, key: f === 0, size: frameSize })),
    }),
  );
}

export function mkvStream(parts: { trackCount?: number; clusters: Uint8Array[] }): Uint8Array {
  return concatBytes([ebmlHeader(), segmentHead(parts.trackCount ?? 1), ...parts.clusters]);
}
