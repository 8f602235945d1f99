/**
 * Codec configuration records as stored in Matroska CodecPrivate: AVCDecoderConfigurationRecord
 * (ISO/IEC 14496-15 §5.3.3), HEVCDecoderConfigurationRecord (§8.3.3), AAC AudioSpecificConfig
 * (ISO/IEC 14496-3 §1.6.2.1) and WAVEFORMATEX for A_MS/ACM (G.711).
 *
 * Owns: validating them (InvalidCodecPrivateData when malformed), the parameter sets TS needs, NAL
 * length sizes, ADTS fields and RFC 6381 codec strings. Must not know: containers or timing.
 */
import { PackagingError } from './errors.js';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const invalid = (what: string): PackagingError =>
  new PackagingError('InvalidCodecPrivateData', `invalid codec private data: ${what}`);

export interface VideoConfig {
  /** Bytes of the length prefix of each NAL unit in samples (1, 2 or 4). */
  nalLengthSize: number;
  /** Parameter sets (the HVCC arrays in order for HEVC; SPS, PPS for AVC), without start codes. */
  parameterSets: Uint8Array[];
  codecString: string;
}

/** AVCDecoderConfigurationRecord → SPS/PPS and `avc1.PPCCLL` (RFC 6381 §3.3). */
export function parseAvcC(rec: Uint8Array): VideoConfig {
  if (rec.length < 7 || rec[0] !== 1) throw invalid('not an AVCDecoderConfigurationRecord (AVCC)');
  const nalLengthSize = (rec[4]! & 3) + 1;
  if (nalLengthSize === 3) throw invalid('AVCC NAL length size 3');
  const parameterSets: Uint8Array[] = [];
  let p = 5;
  const read = (count: number): void => {
    for (let i = 0; i < count; i++) {
      if (p + 2 > rec.length) throw invalid('AVCC parameter set truncated');
      const len = (rec[p]! << 8) | rec[p + 1]!;
      if (p + 2 + len > rec.length || len === 0) throw invalid('AVCC parameter set truncated');
      parameterSets.push(rec.subarray(p + 2, p + 2 + len));
      p += 2 + len;
    }
  };
  read(rec[p++]! & 0x1f);
  if (p >= rec.length) throw invalid('AVCC without PPS count');
  const spsCount = parameterSets.length;
  read(rec[p++]!);
  if (spsCount === 0 || parameterSets.length === spsCount) throw invalid('AVCC without SPS or PPS');
  return {
    nalLengthSize,
    parameterSets,
    codecString: `avc1.${hex2(rec[1]!)}${hex2(rec[2]!)}${hex2(rec[3]!)}`,
  };
}

/** HEVCDecoderConfigurationRecord → VPS/SPS/PPS and `hvc1.…` (ISO/IEC 14496-15 Annex E.3). */
export function parseHvcC(rec: Uint8Array): VideoConfig {
  if (rec.length < 23 || rec[0] !== 1) throw invalid('not an HEVCDecoderConfigurationRecord (HVCC)');
  const nalLengthSize = (rec[21]! & 3) + 1;
  if (nalLengthSize === 3) throw invalid('HVCC NAL length size 3');
  const parameterSets: Uint8Array[] = [];
  const arrays = rec[22]!;
  let p = 23;
  let sawSps = false;
  for (let a = 0; a < arrays; a++) {
    if (p + 3 > rec.length) throw invalid('HVCC array truncated');
    const type = rec[p]! & 0x3f;
    const count = (rec[p + 1]! << 8) | rec[p + 2]!;
    p += 3;
    for (let i = 0; i < count; i++) {
      if (p + 2 > rec.length) throw invalid('HVCC NAL unit truncated');
      const len = (rec[p]! << 8) | rec[p + 1]!;
      if (p + 2 + len > rec.length) throw invalid('HVCC NAL unit truncated');
      // Every array (VPS 32, SPS 33, PPS 34, and SEI such as HDR metadata) goes in front of key
      // frames in TS, as ffmpeg's hevc_mp4toannexb does.
      parameterSets.push(rec.subarray(p + 2, p + 2 + len));
      if (type === 33) sawSps = true;
      p += 2 + len;
    }
  }
  if (!sawSps) throw invalid('HVCC without SPS');
  const space = ['', 'A', 'B', 'C'][rec[1]! >> 6]!;
  const tier = (rec[1]! & 0x20) !== 0 ? 'H' : 'L';
  const profile = rec[1]! & 0x1f;
  const compat = ((rec[2]! << 24) | (rec[3]! << 16) | (rec[4]! << 8) | rec[5]!) >>> 0;
  let reversed = 0;
  for (let i = 0; i < 32; i++) if (compat & (1 << i)) reversed |= 1 << (31 - i);
  const constraints = Array.from(rec.subarray(6, 12));
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const parts = [`hvc1`, `${space}${profile}`, (reversed >>> 0).toString(16), `${tier}${rec[12]!}`];
  parts.push(...constraints.map((b) => b.toString(16).toUpperCase()));
  return { nalLengthSize, parameterSets, codecString: parts.join('.') };
}

const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

export interface AacConfig {
  objectType: number;
  sampleRate: number;
  /** Sampling frequency index for ADTS (0..12). */
  frequencyIndex: number;
  channels: number;
  /** Samples per frame: 1024 (or 960 with frameLengthFlag). */
  frameLength: number;
  codecString: string;
}

/** AudioSpecificConfig → object type, rate, channels (ISO/IEC 14496-3 §1.6.2.1). */
export function parseAudioSpecificConfig(asc: Uint8Array): AacConfig {
  if (asc.length < 2) throw invalid('AudioSpecificConfig shorter than 2 bytes');
  let bit = 0;
  const bits = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++, bit++) {
      if (bit >> 3 >= asc.length) throw invalid('AudioSpecificConfig truncated');
      v = (v << 1) | ((asc[bit >> 3]! >> (7 - (bit & 7))) & 1);
    }
    return v;
  };
  let objectType = bits(5);
  if (objectType === 31) objectType = 32 + bits(6);
  const frequencyIndex = bits(4);
  const sampleRate = frequencyIndex === 15 ? bits(24) : AAC_RATES[frequencyIndex];
  if (sampleRate === undefined || sampleRate === 0) throw invalid('AAC sampling frequency index');
  const channels = bits(4);
  const frameLength =
    objectType === 1 || objectType === 2 || objectType === 4 ? (bits(1) ? 960 : 1024) : 1024;
  return {
    objectType,
    sampleRate,
    frequencyIndex: frequencyIndex === 15 ? AAC_RATES.indexOf(sampleRate) : frequencyIndex,
    channels,
    frameLength,
    codecString: `mp4a.40.${objectType}`,
  };
}

export interface WaveFormat {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
}

/** WAVEFORMATEX (little-endian): wFormatTag 6 = A-law, 7 = µ-law (RFC 2361). */
export function parseWaveFormatEx(data: Uint8Array): WaveFormat {
  if (data.length < 16) throw invalid('WAVEFORMATEX shorter than 16 bytes');
  const v = new DataView(data.buffer, data.byteOffset, data.length);
  return {
    formatTag: v.getUint16(0, true),
    channels: v.getUint16(2, true),
    sampleRate: v.getUint32(4, true),
    bitsPerSample: v.getUint16(14, true),
  };
}
