/**
 * Corrupted fragments: demuxing and packaging either succeed or throw PackagingError (mapped to a KVS
 * exception by the callers), never another error type, for random byte corruption of real fragments.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  buildMediaSegment,
  buildTsSegment,
  demuxFragment,
  describeTracks,
  PackagingError,
  ProgressiveMp4Writer,
} from '../../../src/packaging/index.js';
import { storedMedia } from './stored-media.js';

const RUNS = Number(process.env.KVIDEO_FUZZ_RUNS ?? 300);

test('corrupted fragments give PackagingError or a result, nothing else', () => {
  for (const name of ['h264-bframes-aac.mkv', 'h265-aac.mkv']) {
    const stored = storedMedia(name);
    const set = describeTracks(stored.header);
    const original = stored.fragments[1]!.bytes;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(original.length),
        (edits, cut) => {
          const bytes = original.slice(0, Math.max(1, cut));
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          try {
            const demuxed = demuxFragment(set, bytes, { clusterTimeMs: 1_700_000_000_000 });
            buildMediaSegment(set.tracks, demuxed, 1);
            buildTsSegment(set.tracks, demuxed, 0);
            const writer = new ProgressiveMp4Writer(set.tracks);
            writer.add(demuxed);
            writer.header();
            writer.payload(demuxed);
          } catch (err) {
            assert.ok(err instanceof PackagingError, `${name}: ${(err as Error).stack}`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  }
});
