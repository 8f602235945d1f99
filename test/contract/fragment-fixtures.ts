/**
 * Test data for the storage suites: fragment numbers, inputs and payloads that are derivable from
 * a small integer, so any reader can check bytes without keeping a copy. Knows no backend.
 */
import { formatFragmentNumber } from '../../src/core/fragment-number.js';
import type { FragmentInput, FragmentStore, StreamHeader } from '../../src/storage/index.js';

export const fn = (i: number): string => formatFragmentNumber(1_700_000_000_000_000n + BigInt(i));

export function input(i: number, overrides: Partial<FragmentInput> = {}): FragmentInput {
  return {
    fragmentNumber: fn(i),
    producerTimestampMs: i * 1000,
    serverTimestampMs: i * 1000,
    durationMs: 1000,
    startsWithKeyFrame: true,
    clusterTimecode: i * 1000,
    ...overrides,
  };
}

/** Deterministic bytes for fragment i (a cheap LCG), `size` long. */
export function payloadBytes(i: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = (i * 2654435761) >>> 0;
  for (let k = 0; k < size; k++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[k] = x >>> 24;
  }
  return out;
}

/** The payload of fragment i cut into uneven slices (including an empty one). */
export function slicesOf(bytes: Buffer): Uint8Array[] {
  const cuts = [0, 1, 1, 7, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length]
    .map((c) => Math.min(c, bytes.length))
    .sort((a, b) => a - b);
  const slices: Uint8Array[] = [];
  for (let k = 1; k < cuts.length; k++) slices.push(new Uint8Array(bytes.subarray(cuts[k - 1], cuts[k])));
  return slices;
}

export const header = (tag: string): StreamHeader => ({
  ebmlHeader: Buffer.from(`\x1aE\xdf\xa3 ebml ${tag}`),
  segmentHeader: Buffer.from(`segment info and tracks ${tag}`.repeat(3)),
});

export async function readPayload(store: FragmentStore, streamId: string, i: number): Promise<Buffer> {
  const meta = store.getFragment(streamId, fn(i));
  if (!meta) throw new Error(`fragment ${i} not found`);
  const chunks: Buffer[] = [];
  for await (const chunk of store.openPayload(streamId, meta)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Appends fragments `from..to` (inclusive) with derivable payloads of `size` bytes. */
export async function appendRange(
  store: FragmentStore,
  streamId: string,
  headerId: number,
  from: number,
  to: number,
  size = 700,
  overrides: (i: number) => Partial<FragmentInput> = () => ({}),
): Promise<void> {
  for (let i = from; i <= to; i++) {
    await store.appendFragment(streamId, headerId, input(i, overrides(i)), slicesOf(payloadBytes(i, size)));
  }
}
