/**
 * StreamMetaStore in the server's LMDB environment (sub-database `streams`, keyed by name).
 * Stream metadata cannot be rebuilt from segment files, so every write waits until LMDB has
 * flushed it to disk, not just committed it (lmdb-js's default overlappingSync resolves at
 * commit). Must not know about fragments.
 */
import { resourceInUse } from '../../core/errors.js';
import type { StreamMetaStore, StreamRecord } from '../types.js';
import { settled, type MetaEnv } from './lmdb-env.js';

export class FileStreamMetaStore implements StreamMetaStore {
  readonly #env: MetaEnv;

  constructor(env: MetaEnv) {
    this.#env = env;
  }

  getByName(streamName: string): StreamRecord | undefined {
    return this.#env.streams.get(streamName);
  }

  list(): StreamRecord[] {
    // Keys are ordered by UTF-8 bytes, which is code-point order: the list comes out sorted.
    return Array.from(this.#env.streams.getRange({}), ({ value }) => value);
  }

  async create(record: StreamRecord): Promise<void> {
    const { streams } = this.#env;
    // The existence check runs inside the commit, so two racing creates cannot both succeed.
    const created = await settled(
      streams.ifNoExists(record.streamName, () => {
        void streams.put(record.streamName, record);
      }),
    );
    if (!created) throw resourceInUse(`The stream ${record.streamName} already exists`);
    await this.#env.root.flushed;
  }

  async update(record: StreamRecord): Promise<void> {
    await settled(this.#env.streams.put(record.streamName, record));
    await this.#env.root.flushed;
  }

  async remove(streamName: string): Promise<void> {
    await settled(this.#env.streams.remove(streamName));
    await this.#env.root.flushed;
  }
}
