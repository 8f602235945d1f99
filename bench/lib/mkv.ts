/**
 * Pre-made Matroska for the load generators: one producer header (EBML header + unknown-size
 * Segment + Info + Tracks) and clusters of 25 (or any number of) frames whose frame bytes are
 * built once and shared. Each cluster is sent as a small per-cluster head (Cluster ID, 8-byte
 * size, 8-byte Timecode) followed by the shared block bytes, so a 1 GB upload needs no 1 GB of
 * memory and never mutates a buffer that is still queued on a socket.
 * Built with kvideo's own EBML writer; the producer header is the tests' (test/helpers/mkv-stream.ts).
 */
import { EbmlId } from '../../src/mkv/ids.js';
import { concatBytes, uintElement, writeElement } from '../../src/mkv/writer.js';
import { ebmlHeader, segmentHead } from '../../test/helpers/mkv-stream.js';

export function producerHeader(): Buffer {
  return Buffer.from(concatBytes([ebmlHeader(), segmentHead(1)]));
}

export interface ClusterTemplate {
  /** SimpleBlocks of one cluster, shared by every cluster sent. */
  blocks: Buffer;
  /** Total bytes of one cluster (head + blocks). */
  clusterBytes: number;
  frameCount: number;
  /** Timecode step between clusters, milliseconds (TimecodeScale is 1 ms). */
  durationMs: number;
  /** Head of a cluster with the given timecode: Cluster ID, 8-byte size, Timecode with 8-byte value. */
  head(timecode: number): Buffer;
}

const HEAD_BYTES = 4 + 8 + 2 + 8;

/**
 * `frameCount` frames of `frameBytes` each, spaced evenly over `durationMs`; the first is a key
 * frame. Frame bytes are pseudo-random so nothing along the way can compress them.
 */
export function clusterTemplate(frameCount: number, frameBytes: number, durationMs: number): ClusterTemplate {
  let seed = 0x2545f491;
  const blocks: Uint8Array[] = [];
  for (let f = 0; f < frameCount; f++) {
    const data = Buffer.allocUnsafe(4 + frameBytes);
    for (let i = 4; i < data.length; i += 4) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      data.writeInt32LE(seed | 0, Math.min(i, data.length - 4));
    }
    data[0] = 0x81; // track 1
    data.writeInt16BE(Math.round((f * durationMs) / frameCount), 1);
    data[3] = f === 0 ? 0x80 : 0x00;
    blocks.push(writeElement(EbmlId.SimpleBlock, data));
  }
  const shared = Buffer.from(concatBytes(blocks));
  const contentBytes = 2 + 8 + shared.length;
  return {
    blocks: shared,
    clusterBytes: HEAD_BYTES + shared.length,
    frameCount,
    durationMs,
    head(timecode: number): Buffer {
      const head = Buffer.allocUnsafe(HEAD_BYTES);
      head.writeUInt32BE(0x1f43b675, 0);
      head[4] = 0x01; // 8-byte size field: 0x01 then 7 bytes
      head.writeUIntBE(Math.floor(contentBytes / 2 ** 32), 5, 3);
      head.writeUInt32BE(contentBytes >>> 0, 8);
      head[12] = 0xe7;
      head[13] = 0x88;
      head.writeBigUInt64BE(BigInt(timecode), 14);
      return head;
    },
  };
}

/** A tiny valid cluster (one 16-byte key frame) for populating big streams through the store API. */
export function tinyCluster(timecode: number): Uint8Array {
  const frame = new Uint8Array(4 + 16).fill(0x55);
  frame[0] = 0x81;
  frame[1] = 0;
  frame[2] = 0;
  frame[3] = 0x80;
  return writeElement(EbmlId.Cluster, [
    uintElement(EbmlId.Timecode, timecode),
    writeElement(EbmlId.SimpleBlock, frame),
  ]);
}
