/**
 * The PutMedia push parser: turns the request body, pushed in arbitrary chunks, into fragment events.
 *
 * Owns: the streaming state machine over EBML header → Segment → level-1 elements → Cluster children
 * → BlockGroup children; where fragments start and end (spec §5.3); which bytes belong to the stored
 * header (spec §6.3 item 3) and which to a fragment. Must not know: ACKs, error codes, storage,
 * timestamps policy (the ingest layer decides, e.g. 4006 for a second header event).
 *
 * Hand-written: no maintained npm EBML library is a push-mode parser that is fast enough (goal
 * ≥ 300 MB/s) and keeps the producer's bytes verbatim (design.md principle 7).
 *
 * Memory: cluster payload is handed out as zero-copy subarray()s of the pushed chunks (so callers must
 * not reuse a chunk's memory after pushing it). Only these are copied: an element header split across
 * chunks (≤ 12 bytes), the ≤ 11 bytes of a block header / Timecode / BlockDuration needed to decode
 * them, the level-1 elements before the first Cluster (≤ maxHeaderSize in total, ≤ maxElementSize
 * each), Tags elements after it (≤ maxTagsSize each) and the few bytes of a Cluster before its
 * Timecode. `bufferedBytes` says how much is copied at the moment (for the ingest memory budget).
 *
 * Event order within a fragment: `clusterStart`, then `bytes` whose concatenation is exactly the
 * input from the Cluster's first ID byte to the fragment's end, then `clusterEnd`. `block` and
 * non-EoFR `tags` events are interleaved; a `block` may precede the `bytes` event holding it.
 *
 * Quirks:
 * - An AWS_KINESISVIDEO_END_OF_FRAGMENT Tags element ends the fragment and is not part of its bytes
 *   (spec §5.2 recommends stripping EoFR). Level-1 elements between an EoFR and the next Cluster belong
 *   to no fragment: Tags there are reported as `tags` events only, anything else (Void, Cues) is dropped.
 * - At end(): a fragment cut inside the Cluster (or inside a trailing element already handed out) gives
 *   `truncated`; a pending header or a half-received Tags element after a complete Cluster was never
 *   handed out, so the fragment is complete (`clusterEnd`). Elsewhere, ending mid-element gives
 *   `truncated` too (nothing to discard then). An unknown-size Segment gets no `segmentEnd` at end().
 */
import { ByteBuffer } from './byte-buffer.js';
import { ByteRouter, DROP, ELEM, PASS, PREFIX } from './byte-router.js';
import { BLOCK_HEADER_MAX, BlockState } from './block-state.js';
import { MkvFormatError, MkvLimitError, StreamingHeaderReader, readUint } from './ebml.js';
import {
  DEFAULT_TIMECODE_SCALE_NS,
  checkEbmlHeader,
  parseInfoPayload,
  parseTracksPayload,
  type TrackInfo,
} from './header-elements.js';
import { CLUSTER_CHILD_IDS, EbmlId, SEGMENT_CHILD_IDS } from './ids.js';
import type { MkvEvent, MkvIngestParserOptions } from './mkv-events.js';
import { KvsTag, isReservedTagName, parseTagsPayload } from './tags.js';

export type { TrackInfo } from './header-elements.js';
export type { SimpleTag } from './tags.js';
export type { MkvEvent, MkvIngestParserOptions } from './mkv-events.js';

interface Frame {
  id: number;
  /** Absolute end offset: own end if the size is known, else inherited from the parent (or undefined). */
  end: number | undefined;
  knownSize: boolean;
}

// What a payload is read for.
// prettier-ignore
const K_SKIP = 0, K_BUFFERED = 1, K_TIMECODE = 2, K_SIMPLE_BLOCK = 3, K_BLOCK = 4, K_DURATION = 5;
// Where we are inside a Segment.
// prettier-ignore
const P_HEADER = 0, P_FRAGMENT = 1, P_BETWEEN = 2;

export class MkvIngestParser {
  readonly #maxElementSize: number;
  readonly #maxHeaderSize: number;
  readonly #maxTagsSize: number;
  readonly #hr = new StreamingHeaderReader();
  #dead = false;
  readonly #r: ByteRouter;
  #chunk: Uint8Array = new Uint8Array(0);
  /** Absolute stream offset of #chunk[0]. */
  #base = 0;
  #stack: Frame[] = [];
  #expectSegment = false;
  #phase = P_HEADER;
  // current payload
  #inPayload = false;
  #kind = K_SKIP;
  #elemId = 0;
  #elemHeaderLength = 0;
  #remaining = 0;
  #small = new Uint8Array(16);
  #smallLen = 0;
  #smallNeed = 0;
  #smallPending = false;
  /** Offset of the current Block, for error messages. */
  #blockPos = 0;
  // segment state
  #ebmlHeader: Uint8Array = new Uint8Array(0);
  #segHeader = new ByteBuffer(4096);
  #timecodeScaleNs = DEFAULT_TIMECODE_SCALE_NS;
  #tracks: TrackInfo[] = [];
  #clusterTimecode: number | undefined;
  readonly #blocks = new BlockState();

  constructor(options: MkvIngestParserOptions = {}) {
    // Far below the 50 MB fragment limit: a buffered element is copied, and a hostile size field
    // must not let one connection hold tens of MiB of it (issue #11).
    this.#maxElementSize = options.maxElementSize ?? 4 * 1024 * 1024;
    this.#maxHeaderSize = options.maxHeaderSize ?? 4 * 1024 * 1024;
    this.#maxTagsSize = options.maxTagsSize ?? 256 * 1024;
    this.#r = new ByteRouter(this.#maxHeaderSize);
  }

  /** Bytes the parser has allocated for copies (buffered element, Segment header, Cluster prefix). */
  get bufferedBytes(): number {
    return (
      this.#r.elem.capacity + this.#segHeader.capacity + this.#r.prefix.capacity + this.#ebmlHeader.length
    );
  }

  /** Parses the next body chunk. After a throw (always MkvFormatError for bad input) the parser is dead. */
  push(chunk: Uint8Array): MkvEvent[] {
    if (this.#dead) throw new MkvFormatError('parser already failed or ended');
    try {
      return this.#run(chunk);
    } catch (err) {
      this.#dead = true;
      throw err;
    }
  }

  /**
   * End of body: closes what is open (spec §5.3: the end of the body completes the fragment), or reports
   * `truncated` (see the module comment). The parser is finished afterwards.
   */
  end(): MkvEvent[] {
    if (this.#dead) throw new MkvFormatError('parser already failed or ended');
    this.#dead = true;
    this.#chunk = new Uint8Array(0);
    this.#r.begin(this.#chunk);
    const midElement = this.#inPayload || this.#hr.held > 0;
    const top = this.#stack[this.#stack.length - 1];
    const truncated = (): MkvEvent[] => [{ type: 'truncated' }];
    if (top === undefined) return midElement || this.#expectSegment ? truncated() : [];
    if (this.#phase === P_HEADER) {
      if (midElement) return truncated();
      this.#emitHeader();
    } else if (this.#phase === P_FRAGMENT) {
      if (top.id === EbmlId.Cluster || top.id === EbmlId.BlockGroup) {
        // Only an unknown-size Cluster that ended at an element boundary is complete.
        if (midElement || top.id === EbmlId.BlockGroup || top.knownSize || this.#r.sink !== PASS)
          return truncated();
      } else if (this.#inPayload && this.#r.sink === PASS) {
        return truncated(); // part of a trailing element was already handed out
      }
      // A pending header or a partly buffered Tags element was never handed out: drop it.
      this.#r.events.push({ type: 'clusterEnd' });
    } else if (midElement) {
      return truncated();
    }
    return this.#r.events;
  }

  #run(chunk: Uint8Array): MkvEvent[] {
    const events = this.#r.begin(chunk);
    this.#chunk = chunk;
    const n = chunk.length;
    let off = 0;
    let pendingFrom = n;
    while (off < n) {
      if (this.#inPayload) {
        off = this.#consumePayload(off);
        continue;
      }
      const heldBefore = this.#hr.held;
      const start = off;
      off += this.#hr.read(chunk, off);
      if (this.#hr.header.length === 0) {
        pendingFrom = heldBefore > 0 ? 0 : start; // keep an incomplete header out of every sink
        break;
      }
      this.#onHeader(heldBefore > 0 ? 0 : start, off);
    }
    this.#r.flushTo(pendingFrom);
    this.#base += n;
    return events;
  }

  #consumePayload(off: number): number {
    const chunk = this.#chunk;
    if (this.#smallPending) {
      const k = Math.min(this.#smallNeed - this.#smallLen, chunk.length - off);
      for (let i = 0; i < k; i++) this.#small[this.#smallLen + i] = chunk[off + i]!;
      this.#smallLen += k;
      off += k;
      this.#remaining -= k;
      if (this.#smallLen === this.#smallNeed) this.#onSmall(off);
    } else {
      const k = Math.min(this.#remaining, chunk.length - off);
      off += k;
      this.#remaining -= k;
    }
    if (this.#remaining === 0) this.#finishElement(off);
    return off;
  }

  /** A complete element header ends at #chunk offset `off`; it started at `hStart` (0 if split). */
  #onHeader(hStart: number, off: number): void {
    const { id, size, length } = this.#hr.header;
    const pos = this.#base + off;
    // Unknown-size elements end at the first element that cannot be their child (RFC 9559 §6.2;
    // spec §6.3: the next chunk's EBML header closes the previous unknown-size Segment).
    for (let top = this.#top(); top !== undefined && !top.knownSize; top = this.#top()) {
      if (top.id === EbmlId.Cluster && !CLUSTER_CHILD_IDS.has(id)) {
        this.#stack.pop();
        this.#onClusterClosed(pos - length);
      } else if (top.id === EbmlId.Segment && id === EbmlId.EBML) {
        this.#stack.pop();
        this.#endSegment(hStart);
      } else break;
    }
    const parent = this.#top();
    if (parent?.end !== undefined && pos + (size ?? 0) > parent.end) {
      throw new MkvFormatError('element larger than its parent', pos - length);
    }
    const unknownSizeAllowed =
      (id === EbmlId.Segment && parent === undefined) ||
      (id === EbmlId.Cluster && parent?.id === EbmlId.Segment);
    if (size === undefined && !unknownSizeAllowed) {
      throw new MkvFormatError(`unknown-size element 0x${id.toString(16)} not allowed`, pos - length);
    }
    if (parent === undefined) this.#topLevel(id, size, length, hStart, pos);
    else if (parent.id === EbmlId.Segment) this.#segmentChild(id, size, length, hStart, pos);
    else if (parent.id === EbmlId.Cluster) this.#clusterChild(id, size!, pos);
    else this.#blockGroupChild(id, size!, pos);
    // Header bytes held over from earlier chunks go to the sink chosen for this element.
    if (this.#hr.carried > 0) this.#r.route(this.#hr.carriedBytes(), false);
    if (!this.#inPayload) this.#closeFinished(off);
    else if (this.#smallPending && this.#smallNeed === 0) this.#onSmall(off);
    if (this.#inPayload && this.#remaining === 0) this.#finishElement(off);
  }

  #topLevel(id: number, size: number | undefined, length: number, hStart: number, pos: number): void {
    if (id === EbmlId.EBML && !this.#expectSegment) {
      if (size === undefined) throw new MkvFormatError('unknown-size EBML header', pos - length);
      this.#beginBuffered(id, size, length, hStart, this.#maxHeaderSize);
    } else if (id === EbmlId.Segment && this.#expectSegment) {
      this.#expectSegment = false;
      this.#stack.push({
        id,
        end: size === undefined ? undefined : pos + size,
        knownSize: size !== undefined,
      });
      this.#phase = P_HEADER;
      this.#segHeader.clear();
      this.#tracks = [];
      this.#timecodeScaleNs = DEFAULT_TIMECODE_SCALE_NS;
      this.#r.setSink(DROP, hStart); // the Segment header itself is rewritten by GetMedia (spec §6.3 item 2)
    } else if ((id === EbmlId.Void || id === EbmlId.CRC32) && this.#ebmlHeader.length > 0) {
      this.#r.setSink(DROP, hStart); // global elements may appear anywhere (RFC 8794 §11.3), but not as leading garbage
      this.#beginPayload(K_SKIP, size!, 0);
    } else {
      const what = this.#expectSegment ? 'a Segment' : 'an EBML header';
      throw new MkvFormatError(`expected ${what}, found element 0x${id.toString(16)}`, pos - length);
    }
  }

  #segmentChild(id: number, size: number | undefined, length: number, hStart: number, pos: number): void {
    const at = pos - length;
    if (id === EbmlId.Cluster) {
      if (this.#phase === P_HEADER) this.#emitHeader(hStart);
      else if (this.#phase === P_FRAGMENT) this.#r.emit({ type: 'clusterEnd' }, hStart);
      this.#phase = P_FRAGMENT;
      const parentEnd = this.#top()!.end;
      this.#stack.push({
        id,
        end: size === undefined ? parentEnd : pos + size,
        knownSize: size !== undefined,
      });
      this.#clusterTimecode = undefined;
      this.#r.prefix.clear();
      this.#r.setSink(PREFIX, hStart); // until the Timecode is known, see #onSmall
      return;
    }
    if (id === EbmlId.EBML || id === EbmlId.Segment) {
      throw new MkvFormatError('nested EBML header or Segment inside a known-size Segment', at);
    }
    if ((id === EbmlId.Info || id === EbmlId.Tracks) && this.#phase !== P_HEADER) {
      // spec §5.2: "disallowed elements (e.g. Tracks in mid-stream)" get an error ACK.
      throw new MkvFormatError('Info or Tracks element after the first Cluster', at);
    }
    if (this.#phase === P_HEADER) {
      this.#beginBuffered(id, size!, length, hStart, this.#maxHeaderSize - this.#segHeader.length);
    } else if (id === EbmlId.Tags) {
      this.#beginBuffered(id, size!, length, hStart, this.#maxTagsSize); // to find an EoFR tag (spec §5.3)
    } else {
      // Cues, Void, SeekHead, … after a Cluster stay with that fragment (spec §5.2, §6.3 item 6).
      this.#r.setSink(this.#phase === P_FRAGMENT ? PASS : DROP, hStart);
      this.#beginPayload(K_SKIP, size!, 0);
    }
  }

  #clusterChild(id: number, size: number, pos: number): void {
    if (SEGMENT_CHILD_IDS.has(id) || id === EbmlId.EBML) {
      throw new MkvFormatError('level-1 element inside a known-size Cluster', pos);
    }
    if (id === EbmlId.Timecode) {
      if (this.#clusterTimecode !== undefined || this.#r.sink !== PREFIX) {
        throw new MkvFormatError('duplicate Cluster Timecode', pos);
      }
      if (size > 8) throw new MkvFormatError('Cluster Timecode longer than 8 bytes', pos);
      this.#beginPayload(K_TIMECODE, size, size);
    } else if (id === EbmlId.SimpleBlock || id === EbmlId.BlockGroup) {
      if (this.#clusterTimecode === undefined)
        throw new MkvFormatError('block before the Cluster Timecode', pos);
      if (id === EbmlId.SimpleBlock) {
        this.#beginPayload(K_SIMPLE_BLOCK, size, Math.min(size, BLOCK_HEADER_MAX));
      } else {
        this.#stack.push({ id, end: pos + size, knownSize: true });
        this.#blocks.startGroup();
      }
    } else {
      this.#beginPayload(K_SKIP, size, 0); // Position, PrevSize, CRC-32, Void, unknown children
    }
  }

  #blockGroupChild(id: number, size: number, pos: number): void {
    if (id === EbmlId.Block) {
      this.#blockPos = pos;
      this.#beginPayload(K_BLOCK, size, Math.min(size, BLOCK_HEADER_MAX));
    } else if (id === EbmlId.BlockDuration) {
      if (size > 8) throw new MkvFormatError('BlockDuration longer than 8 bytes', pos);
      this.#beginPayload(K_DURATION, size, size);
    } else {
      if (id === EbmlId.ReferenceBlock) this.#blocks.groupReference();
      this.#beginPayload(K_SKIP, size, 0);
    }
  }

  #beginBuffered(id: number, size: number, length: number, hStart: number, limit: number): void {
    if (size + length > Math.min(limit, this.#maxElementSize)) {
      throw new MkvLimitError(
        `element 0x${id.toString(16)} of ${size} bytes exceeds the buffering limit`,
        id,
      );
    }
    this.#r.setSink(ELEM, hStart);
    this.#r.elem.clear();
    this.#elemId = id;
    this.#elemHeaderLength = length;
    this.#beginPayload(K_BUFFERED, size, 0);
  }

  #beginPayload(kind: number, size: number, smallNeed: number): void {
    this.#inPayload = true;
    this.#kind = kind;
    this.#remaining = size;
    this.#smallNeed = smallNeed;
    this.#smallLen = 0;
    this.#smallPending =
      kind === K_TIMECODE || kind === K_SIMPLE_BLOCK || kind === K_BLOCK || kind === K_DURATION;
  }

  #onSmall(off: number): void {
    this.#smallPending = false;
    const kind = this.#kind;
    if (kind === K_TIMECODE) {
      this.#clusterTimecode = readUint(this.#small, 0, this.#smallLen);
      // The fragment starts with the Cluster's own ID: hand out what was held back (spec §6.3 item 5).
      this.#r.flushTo(off);
      this.#r.events.push({ type: 'clusterStart', timecode: this.#clusterTimecode });
      this.#r.events.push({ type: 'bytes', data: this.#r.prefix.copy() });
      this.#r.sink = PASS;
    } else if (kind === K_DURATION) {
      this.#blocks.groupDuration(readUint(this.#small, 0, this.#smallLen));
    } else if (kind === K_SIMPLE_BLOCK) {
      this.#r.events.push(this.#blocks.simpleBlock(this.#small, this.#smallLen));
    } else {
      this.#blocks.groupBlock(this.#small, this.#smallLen, this.#blockPos);
    }
  }

  #finishElement(off: number): void {
    this.#inPayload = false;
    if (this.#kind === K_BUFFERED) this.#onBuffered(off);
    this.#closeFinished(off);
  }

  #onBuffered(off: number): void {
    this.#r.flushTo(off);
    const bytes = this.#r.elem.copy();
    this.#r.elem.clear(); // gives a large buffer back at once (bufferedBytes counts capacity)
    const start = this.#elemHeaderLength;
    const id = this.#elemId;
    if (id === EbmlId.EBML) {
      checkEbmlHeader(bytes, start, bytes.length);
      this.#ebmlHeader = bytes;
      this.#expectSegment = true;
      this.#r.sink = DROP;
      return;
    }
    this.#r.sink = this.#phase === P_FRAGMENT ? PASS : DROP;
    if (id === EbmlId.Info) this.#timecodeScaleNs = parseInfoPayload(bytes, start, bytes.length);
    else if (id === EbmlId.Tracks) this.#tracks = parseTracksPayload(bytes, start, bytes.length);
    if (id !== EbmlId.Tags) {
      this.#segHeader.append(bytes); // only reachable before the first Cluster
      return;
    }
    const simpleTags = parseTagsPayload(bytes, start, bytes.length);
    const reservedOnly = simpleTags.length > 0 && simpleTags.every((t) => isReservedTagName(t.name));
    const tagsEvent: MkvEvent = { type: 'tags', simpleTags, reservedOnly };
    if (this.#phase === P_HEADER) {
      if (!reservedOnly) this.#segHeader.append(bytes);
    } else if (this.#phase === P_FRAGMENT) {
      if (simpleTags.some((t) => t.name === KvsTag.EndOfFragment)) {
        // spec §5.3: EoFR completes the fragment; its bytes are not stored with it (§5.2 recommendation).
        this.#r.events.push({ type: 'clusterEnd' });
        this.#phase = P_BETWEEN;
        this.#r.sink = DROP;
      } else {
        this.#r.events.push({ type: 'bytes', data: bytes });
      }
    }
    this.#r.events.push(tagsEvent);
  }

  /** Pops every container whose (known or inherited) end has been reached at #chunk offset `off`. */
  #closeFinished(off: number): void {
    const pos = this.#base + off;
    for (let top = this.#top(); top?.end !== undefined && pos >= top.end; top = this.#top()) {
      this.#stack.pop();
      if (top.id === EbmlId.BlockGroup) {
        this.#r.events.push(this.#blocks.endGroup(pos));
      } else if (top.id === EbmlId.Cluster) {
        this.#onClusterClosed(pos);
      } else {
        this.#endSegment(off);
      }
    }
  }

  #onClusterClosed(pos: number): void {
    // The fragment goes on: level-1 elements after a Cluster belong to it (spec §5.2).
    if (this.#clusterTimecode === undefined) throw new MkvFormatError('Cluster without a Timecode', pos);
  }

  #endSegment(at: number): void {
    if (this.#phase === P_HEADER) this.#emitHeader(at);
    else if (this.#phase === P_FRAGMENT) this.#r.emit({ type: 'clusterEnd' }, at);
    this.#r.emit({ type: 'segmentEnd' }, at);
    this.#phase = P_HEADER;
    this.#expectSegment = false;
    this.#r.sink = DROP;
  }

  #emitHeader(at = 0): void {
    this.#r.emit(
      {
        type: 'header',
        ebmlHeader: this.#ebmlHeader,
        segmentHeader: this.#segHeader.copy(),
        timecodeScaleNs: this.#timecodeScaleNs,
        tracks: this.#tracks,
      },
      at,
    );
  }

  #top(): Frame | undefined {
    return this.#stack[this.#stack.length - 1];
  }
}
