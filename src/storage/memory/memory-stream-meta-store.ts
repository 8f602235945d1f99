/**
 * StreamMetaStore kept in process memory (capabilities: not persistent). Records are cloned in
 * and out so callers can never mutate stored state by accident, matching the file backend where
 * every read decodes a fresh object. Must not know about fragments.
 */
import { resourceInUse } from '../../core/errors.js';
import type { StreamMetaStore, StreamRecord } from '../types.js';
import { compareStrings, lowerBound } from './sorted.js';

export class MemoryStreamMetaStore implements StreamMetaStore {
  readonly #byName = new Map<string, StreamRecord>();
  /** Names kept sorted so list() needs no sort. */
  readonly #names: string[] = [];

  getByName(streamName: string): StreamRecord | undefined {
    const record = this.#byName.get(streamName);
    return record && structuredClone(record);
  }

  list(): StreamRecord[] {
    return this.#names.map((name) => structuredClone(this.#byName.get(name) as StreamRecord));
  }

  async create(record: StreamRecord): Promise<void> {
    if (this.#byName.has(record.streamName)) {
      throw resourceInUse(`The stream ${record.streamName} already exists`);
    }
    this.#names.splice(
      lowerBound(this.#names, (n) => compareStrings(n, record.streamName)),
      0,
      record.streamName,
    );
    this.#byName.set(record.streamName, structuredClone(record));
  }

  async update(record: StreamRecord): Promise<void> {
    if (!this.#byName.has(record.streamName)) {
      this.#names.splice(
        lowerBound(this.#names, (n) => compareStrings(n, record.streamName)),
        0,
        record.streamName,
      );
    }
    this.#byName.set(record.streamName, structuredClone(record));
  }

  async remove(streamName: string): Promise<void> {
    if (!this.#byName.delete(streamName)) return;
    const at = lowerBound(this.#names, (n) => compareStrings(n, streamName));
    this.#names.splice(at, 1);
  }
}
