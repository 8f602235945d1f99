/**
 * The one number packaging needs from a video sequence parameter set: the reorder depth (how many
 * frames a decoder may hold back before output), which fixes the decode-time delay of the whole
 * stream (timing.ts). H.264: VUI max_num_reorder_frames (ITU-T H.264 §7.3.2.1.1, E.1.1); H.265:
 * sps_max_num_reorder_pics of the highest sub-layer (ITU-T H.265 §7.3.2.2). This is also where ffmpeg
 * takes has_b_frames from, so decode times agree with what it derives from the same Matroska.
 *
 * Owns: RBSP unescaping and Exp-Golomb reading up to those fields. Must not know: containers.
 * Returns undefined when the field is absent (no VUI bitstream restriction) or the SPS is truncated.
 */

class BitReader {
  #bit = 0;
  constructor(private readonly data: Uint8Array) {}
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++, this.#bit++) {
      const byte = this.data[this.#bit >> 3];
      if (byte === undefined) throw new RangeError('SPS truncated');
      v = v * 2 + ((byte >> (7 - (this.#bit & 7))) & 1);
    }
    return v;
  }
  skip(n: number): void {
    this.#bit += n;
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) if (++zeros > 31) throw new RangeError('bad Exp-Golomb code');
    return 2 ** zeros - 1 + this.u(zeros);
  }
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}

/** NAL payload without emulation-prevention bytes (00 00 03 → 00 00), after `headerBytes`. */
function rbsp(nal: Uint8Array, headerBytes: number): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (let i = headerBytes; i < nal.length; i++) {
    const b = nal[i]!;
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

function h264Hrd(r: BitReader): void {
  const count = r.ue() + 1;
  r.skip(8);
  for (let i = 0; i < count; i++) {
    r.ue();
    r.ue();
    r.skip(1);
  }
  r.skip(20);
}

/** H.264 SPS NAL unit (with its 1-byte header) → max_num_reorder_frames, if signalled. */
export function h264ReorderDepth(sps: Uint8Array): number | undefined {
  try {
    const r = new BitReader(rbsp(sps, 1));
    const profile = r.u(8);
    r.skip(16); // constraint flags, level_idc
    r.ue(); // seq_parameter_set_id
    if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) {
      const chroma = r.ue();
      if (chroma === 3) r.skip(1);
      r.ue();
      r.ue();
      r.skip(1);
      if (r.u(1)) {
        for (let i = 0; i < (chroma !== 3 ? 8 : 12); i++) {
          if (!r.u(1)) continue;
          let last = 8;
          let next = 8;
          for (let j = 0; j < (i < 6 ? 16 : 64); j++) {
            if (next !== 0) next = (last + r.se() + 256) % 256;
            last = next === 0 ? last : next;
          }
        }
      }
    }
    r.ue(); // log2_max_frame_num_minus4
    const pocType = r.ue();
    if (pocType === 0) r.ue();
    else if (pocType === 1) {
      r.skip(1);
      r.se();
      r.se();
      const cycle = r.ue();
      for (let i = 0; i < cycle; i++) r.se();
    }
    r.ue(); // max_num_ref_frames
    r.skip(1);
    r.ue();
    r.ue();
    if (!r.u(1)) r.skip(1); // frame_mbs_only_flag, mb_adaptive_frame_field_flag
    r.skip(1); // direct_8x8_inference_flag
    if (r.u(1)) for (let i = 0; i < 4; i++) r.ue(); // frame cropping
    if (!r.u(1)) return undefined; // no VUI
    if (r.u(1) && r.u(8) === 255) r.skip(32); // aspect ratio
    if (r.u(1)) r.skip(1); // overscan
    if (r.u(1)) {
      r.skip(4);
      if (r.u(1)) r.skip(24); // colour description
    }
    if (r.u(1)) {
      r.ue();
      r.ue();
    }
    if (r.u(1)) r.skip(65); // timing info
    const nal = r.u(1);
    if (nal) h264Hrd(r);
    const vcl = r.u(1);
    if (vcl) h264Hrd(r);
    if (nal || vcl) r.skip(1);
    r.skip(1); // pic_struct_present_flag
    if (!r.u(1)) return undefined; // no bitstream restriction
    r.skip(1);
    for (let i = 0; i < 4; i++) r.ue();
    return r.ue(); // max_num_reorder_frames
  } catch {
    return undefined;
  }
}

/** H.265 SPS NAL unit (with its 2-byte header) → sps_max_num_reorder_pics of the highest sub-layer. */
export function h265ReorderDepth(sps: Uint8Array): number | undefined {
  try {
    const r = new BitReader(rbsp(sps, 2));
    r.skip(4);
    const maxSubLayersMinus1 = r.u(3);
    r.skip(1);
    // profile_tier_level(1, maxSubLayersMinus1): general part is 96 bits.
    r.skip(96);
    const present: [boolean, boolean][] = [];
    for (let i = 0; i < maxSubLayersMinus1; i++) present.push([r.u(1) === 1, r.u(1) === 1]);
    if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1));
    for (const [profile, level] of present) {
      if (profile) r.skip(88);
      if (level) r.skip(8);
    }
    r.ue(); // sps_seq_parameter_set_id
    if (r.ue() === 3) r.skip(1); // chroma_format_idc, separate_colour_plane_flag
    r.ue();
    r.ue();
    if (r.u(1)) for (let i = 0; i < 4; i++) r.ue(); // conformance window
    r.ue();
    r.ue();
    r.ue(); // log2_max_pic_order_cnt_lsb_minus4
    const allLayers = r.u(1) === 1;
    let reorder = 0;
    for (let i = allLayers ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
      r.ue();
      reorder = r.ue();
      r.ue();
    }
    return reorder;
  } catch {
    return undefined;
  }
}
