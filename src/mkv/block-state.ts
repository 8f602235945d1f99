/**
 * Block headers and BlockGroup accumulation for the PutMedia parser.
 *
 * Owns: decoding the few header bytes of a SimpleBlock / Block (RFC 9559 §10: track number vint,
 * signed int16 timecode relative to the Cluster, flags) and what makes a BlockGroup a key frame.
 * Must not know: streaming or where the bytes came from; frame data is never looked at.
 */
import { MkvFormatError, vintWidth } from './ebml.js';
import type { MkvEvent } from './mkv-events.js';

/** Bytes needed to decode a block header: track vint (≤ 8) + int16 timecode + flags. */
export const BLOCK_HEADER_MAX = 11;

type BlockEvent = Extract<MkvEvent, { type: 'block' }>;

export class BlockState {
  #track = 0;
  #rel = 0;
  #flags = 0;
  #inGroup = false;
  #groupHasBlock = false;
  #groupHasRef = false;
  #groupDuration: number | undefined;

  /** A SimpleBlock whose first `len` bytes are in `buf`; flag 0x80 marks a key frame. */
  simpleBlock(buf: Uint8Array, len: number): BlockEvent {
    this.#decode(buf, len);
    return {
      type: 'block',
      track: this.#track,
      relativeTimecode: this.#rel,
      keyframe: (this.#flags & 0x80) !== 0,
    };
  }

  startGroup(): void {
    this.#inGroup = true;
    this.#groupHasBlock = this.#groupHasRef = false;
    this.#groupDuration = undefined;
  }

  groupBlock(buf: Uint8Array, len: number, pos: number): void {
    if (this.#groupHasBlock) throw new MkvFormatError('BlockGroup with two Blocks', pos);
    this.#decode(buf, len);
    this.#groupHasBlock = true;
  }

  /** A ReferenceBlock child: the block depends on another one, so it is not a key frame. */
  groupReference(): void {
    this.#groupHasRef = true;
  }

  groupDuration(value: number): void {
    this.#groupDuration = value;
  }

  endGroup(pos: number): BlockEvent {
    if (!this.#inGroup || !this.#groupHasBlock) throw new MkvFormatError('BlockGroup without a Block', pos);
    this.#inGroup = false;
    const event: BlockEvent = {
      type: 'block',
      track: this.#track,
      relativeTimecode: this.#rel,
      keyframe: !this.#groupHasRef,
    };
    if (this.#groupDuration !== undefined) event.durationTc = this.#groupDuration;
    return event;
  }

  #decode(buf: Uint8Array, len: number): void {
    const w = len > 0 ? vintWidth(buf[0]!) : 0;
    if (w === 0 || len < w + 3) throw new MkvFormatError('block too short or invalid track number');
    let track = buf[0]! & (0xff >> w);
    for (let i = 1; i < w; i++) track = track * 256 + buf[i]!;
    this.#track = track;
    this.#rel = (((buf[w]! << 8) | buf[w + 1]!) << 16) >> 16;
    this.#flags = buf[w + 2]!;
  }
}
