/**
 * Splits ffmpeg's image2pipe output (images written back to back) into single JPEG or PNG files
 * by walking their own structure: PNG chunks up to IEND, JPEG marker segments up to EOI. A
 * truncated or unrecognised tail is reported, never returned as an image. Pure; no I/O.
 */

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function pngEnd(buf: Uint8Array, start: number): number | undefined {
  for (let i = 0; i < 8; i++) if (buf[start + i] !== PNG_SIGNATURE[i]) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = start + 8;
  while (pos + 12 <= buf.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(buf[pos + 4]!, buf[pos + 5]!, buf[pos + 6]!, buf[pos + 7]!);
    pos += 12 + length; // length, type, data, CRC
    if (pos > buf.length) return undefined;
    if (type === 'IEND') return pos;
  }
  return undefined;
}

/**
 * JPEG: marker segments carry a length until SOS; entropy-coded data then runs until a marker
 * other than a stuffed 0xFF00 or a restart marker (RST0–7); EOI (FFD9) ends the image.
 */
function jpegEnd(buf: Uint8Array, start: number): number | undefined {
  if (buf[start] !== 0xff || buf[start + 1] !== 0xd8) return undefined;
  let pos = start + 2;
  let entropy = false;
  while (pos + 1 < buf.length) {
    if (entropy) {
      if (buf[pos] !== 0xff) {
        pos += 1;
        continue;
      }
      const next = buf[pos + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
        pos += next === 0xff ? 1 : 2;
        continue;
      }
      entropy = false;
    }
    if (buf[pos] !== 0xff) return undefined;
    const marker = buf[pos + 1]!;
    if (marker === 0xd9) return pos + 2;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    if (pos + 3 >= buf.length) return undefined;
    const length = (buf[pos + 2]! << 8) | buf[pos + 3]!;
    pos += 2 + length;
    if (marker === 0xda) entropy = true; // SOS: scan data follows its header
  }
  return undefined;
}

export interface SplitResult {
  images: Uint8Array[];
  /** Bytes after the last complete image (0 when the output ended cleanly). */
  leftover: number;
}

export function splitImages(format: 'JPEG' | 'PNG', data: Uint8Array): SplitResult {
  const images: Uint8Array[] = [];
  let pos = 0;
  while (pos < data.length) {
    const end = format === 'PNG' ? pngEnd(data, pos) : jpegEnd(data, pos);
    if (end === undefined) break;
    images.push(data.subarray(pos, end));
    pos = end;
  }
  return { images, leftover: data.length - pos };
}
