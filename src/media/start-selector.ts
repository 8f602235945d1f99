/**
 * Turns a GetMedia StartSelector into the first fragment to send (spec §6.1), with O(log n)
 * store lookups. NOW starts with the newest fragment; FRAGMENT_NUMBER and CONTINUATION_TOKEN
 * start strictly after the given fragment; the timestamp selectors start with the fragment that
 * contains the time, else the next one.
 */
import type { media } from '../api/index.js';
import { invalidArgument } from '../core/errors.js';
import type { FragmentMeta, FragmentStore } from '../storage/types.js';

export type StartPoint =
  /** Send this fragment first. */
  | { kind: 'at'; fragment: FragmentMeta }
  /** Nothing to send yet: wait for the first fragment after this number (undefined: any). */
  | { kind: 'after'; fragmentNumber: string | undefined }
  /** The requested fragment does not exist: report in-stream error 4000 (spec §6.5). */
  | { kind: 'notFound'; fragmentNumber: string };

export function resolveStartSelector(
  store: FragmentStore,
  streamId: string,
  selector: media.StartSelector,
): StartPoint {
  const after = (fragmentNumber: string | undefined): StartPoint => {
    const next =
      fragmentNumber === undefined ? store.earliest(streamId) : store.fragmentAfter(streamId, fragmentNumber);
    return next ? { kind: 'at', fragment: next } : { kind: 'after', fragmentNumber };
  };
  switch (selector.StartSelectorType) {
    case 'NOW': {
      const latest = store.latest(streamId);
      return latest ? { kind: 'at', fragment: latest } : { kind: 'after', fragmentNumber: undefined };
    }
    case 'EARLIEST':
      return after(undefined);
    case 'FRAGMENT_NUMBER':
    case 'CONTINUATION_TOKEN': {
      const isToken = selector.StartSelectorType === 'CONTINUATION_TOKEN';
      const value = isToken ? selector.ContinuationToken : selector.AfterFragmentNumber;
      if (value === undefined) {
        throw invalidArgument(
          isToken
            ? 'ContinuationToken is required when StartSelectorType is CONTINUATION_TOKEN.'
            : 'AfterFragmentNumber is required when StartSelectorType is FRAGMENT_NUMBER.',
        );
      }
      // The token kvideo issues is the chunk's fragment number (spec §6.4).
      if (!store.getFragment(streamId, value)) {
        const latest = store.latest(streamId);
        // A number newer than anything stored cannot be distinguished from a deleted one; KVS reports 4000.
        if (!latest || value > latest.fragmentNumber || value.length !== latest.fragmentNumber.length) {
          return { kind: 'notFound', fragmentNumber: value };
        }
      }
      return after(value);
    }
    case 'PRODUCER_TIMESTAMP':
    case 'SERVER_TIMESTAMP': {
      if (selector.StartTimestamp === undefined) {
        throw invalidArgument(
          `StartTimestamp is required when StartSelectorType is ${selector.StartSelectorType}.`,
        );
      }
      const clock = selector.StartSelectorType === 'PRODUCER_TIMESTAMP' ? 'PRODUCER' : 'SERVER';
      const found = store.findByTimestamp(streamId, clock, selector.StartTimestamp * 1000);
      return found
        ? { kind: 'at', fragment: found }
        : { kind: 'after', fragmentNumber: store.latest(streamId)?.fragmentNumber };
    }
  }
}
