/**
 * Read side of a stored fragment: the blocks of its Cluster (spec §6.3 item 5: a stored fragment is the
 * Cluster, verbatim, plus trailing level-1 elements such as Tags or Cues).
 *
 * Owns: walking a buffered Cluster (known or unknown size, RFC 9559 §6.2), decoding SimpleBlock and
 * BlockGroup headers (RFC 9559 §10) and handing out frame payloads as views. Must not know: codecs,
 * timescales or output containers (src/packaging does), nor storage.
 */
import { MkvFormatError, readElementHeader, readUint, vintWidth, type ElementHeader } from './ebml.js';
import { CLUSTER_CHILD_IDS, EbmlId } from './ids.js';

export interface ClusterBlock {
  track: number;
  /** Block timecode relative to the Cluster Timecode, in TimecodeScale ticks (signed int16). */
  relativeTimecode: number;
  keyframe: boolean;
  /** BlockDuration in ticks, when the block came in a BlockGroup that had one. */
  durationTc?: number;
  /** The frame, a view into the fragment bytes. */
  data: Uint8Array;
}

export interface ClusterContent {
  timecode: number;
  /** Blocks in stored (decode) order. */
  blocks: ClusterBlock[];
}

/**
 * Reads the Cluster at the start of `fragment`. Throws MkvFormatError for anything malformed, and for
 * laced blocks (KVS producers never lace; RFC 9559 §10.4 lacing is not supported here).
 */
export function readCluster(fragment: Uint8Array): ClusterContent {
  const h: ElementHeader = { id: 0, size: 0, length: 0 };
  if (readElementHeader(fragment, 0, fragment.length, h) === 0 || h.id !== EbmlId.Cluster) {
    throw new MkvFormatError('fragment does not start with a Cluster', 0);
  }
  const known = h.size !== undefined;
  const end = known ? h.length + h.size! : fragment.length;
  if (end > fragment.length) throw new MkvFormatError('Cluster larger than the fragment', 0);
  let timecode: number | undefined;
  const blocks: ClusterBlock[] = [];
  let p = h.length;
  while (p < end) {
    if (readElementHeader(fragment, p, end, h) === 0) throw new MkvFormatError('truncated Cluster child', p);
    // An unknown-size Cluster ends at the first element that cannot be its child (RFC 9559 §6.2).
    if (!known && !CLUSTER_CHILD_IDS.has(h.id)) break;
    if (h.size === undefined) throw new MkvFormatError('unknown-size Cluster child', p);
    const s = p + h.length;
    const e = s + h.size;
    if (e > end) throw new MkvFormatError('Cluster child exceeds the Cluster', p);
    const id: number = h.id;
    if (id === EbmlId.Timecode) timecode = readUint(fragment, s, e);
    else if (id === EbmlId.SimpleBlock) blocks.push(decodeBlock(fragment, s, e, true));
    else if (id === EbmlId.BlockGroup) blocks.push(readBlockGroup(fragment, s, e));
    p = e;
  }
  if (timecode === undefined) throw new MkvFormatError('Cluster without a Timecode', 0);
  return { timecode, blocks };
}

function readBlockGroup(buf: Uint8Array, start: number, end: number): ClusterBlock {
  const h: ElementHeader = { id: 0, size: 0, length: 0 };
  let block: ClusterBlock | undefined;
  let duration: number | undefined;
  let referenced = false;
  for (let p = start; p < end;) {
    if (readElementHeader(buf, p, end, h) === 0 || h.size === undefined) {
      throw new MkvFormatError('bad BlockGroup child', p);
    }
    const s = p + h.length;
    const e = s + h.size;
    if (e > end) throw new MkvFormatError('BlockGroup child exceeds its parent', p);
    if (h.id === EbmlId.Block) block = decodeBlock(buf, s, e, false);
    else if (h.id === EbmlId.BlockDuration) duration = readUint(buf, s, e);
    else if (h.id === EbmlId.ReferenceBlock) referenced = true;
    p = e;
  }
  if (!block) throw new MkvFormatError('BlockGroup without a Block', start);
  // A Block without ReferenceBlock is a key frame (RFC 9559 §10.3 "ReferenceBlock").
  block.keyframe = !referenced;
  if (duration !== undefined) block.durationTc = duration;
  return block;
}

function decodeBlock(buf: Uint8Array, start: number, end: number, simple: boolean): ClusterBlock {
  const w = start < end ? vintWidth(buf[start]!) : 0;
  if (w === 0 || start + w + 3 > end) throw new MkvFormatError('block too short', start);
  let track = buf[start]! & (0xff >> w);
  for (let i = 1; i < w; i++) track = track * 256 + buf[start + i]!;
  const t = start + w;
  const relativeTimecode = (((buf[t]! << 8) | buf[t + 1]!) << 16) >> 16;
  const flags = buf[t + 2]!;
  if ((flags & 0x06) !== 0) throw new MkvFormatError('laced blocks are not supported', start);
  return {
    track,
    relativeTimecode,
    keyframe: simple && (flags & 0x80) !== 0,
    data: buf.subarray(t + 3, end),
  };
}
