/**
 * CRC-32 (IEEE 802.3, the zlib polynomial) over byte ranges, incrementally. Uses node:zlib's
 * native crc32 where it exists (Node >= 20.15 / 22.2) and a table-driven fallback otherwise, so
 * the record format does not depend on the Node minor version. Knows nothing about records.
 */
import * as zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, previous?: number) => number;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Table-driven CRC-32; exported so a test can check it against the native one. */
export const crc32Fallback: Crc32 = (data, previous = 0) => {
  let crc = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) {
    crc = (TABLE[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return ~crc >>> 0;
};

const native = (zlib as { crc32?: Crc32 }).crc32;

export const crc32: Crc32 = typeof native === 'function' ? native : crc32Fallback;
