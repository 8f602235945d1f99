/**
 * StreamMetaStore in the server's LMDB environment (sub-database `streams`, keyed by name), with
 * every change also written to the stream's own journal (stream-journal.ts) so the segments'
 * directory describes its stream and a lost index can be rebuilt (meta-reconcile.ts).
 *
 * Order of a change: LMDB commit, then the journal, then the promise resolves. A crash in
 * between leaves the journal one change behind LMDB; start-up reconciliation lets the journal win,
 * which undoes exactly the change nobody was told had succeeded. LMDB writes wait until LMDB has
 * flushed them (lmdb-js's default overlappingSync resolves at commit). Must not know about fragments.
 */
import { resourceInUse } from '../../core/errors.js';
import type { StreamMetaStore, StreamRecord } from '../types.js';
import { settled, type MetaEnv } from './lmdb-env.js';
import { writeJournal } from './stream-journal.js';

export class FileStreamMetaStore implements StreamMetaStore {
  readonly #env: MetaEnv;
  readonly #streamsDir: string;

  constructor(env: MetaEnv, streamsDir: string) {
    this.#env = env;
    this.#streamsDir = streamsDir;
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
    // The existence check runs inside the commit, so two racing creates cannot both succeed;
    // only the winner writes a journal.
    const created = await settled(
      streams.ifNoExists(record.streamName, () => {
        void streams.put(record.streamName, record);
      }),
    );
    if (!created) throw resourceInUse(`The stream ${record.streamName} already exists`);
    await this.#env.root.flushed;
    try {
      await writeJournal(this.#streamsDir, { record });
    } catch (err) {
      // Without its journal the stream could not be rebuilt: undo rather than half-create.
      await settled(streams.remove(record.streamName)).catch(() => undefined);
      throw err;
    }
  }

  async update(record: StreamRecord): Promise<void> {
    await settled(this.#env.streams.put(record.streamName, record));
    await this.#env.root.flushed;
    await writeJournal(this.#streamsDir, { record });
  }

  async remove(streamName: string): Promise<void> {
    const record = this.#env.streams.get(streamName);
    await settled(this.#env.streams.remove(streamName));
    await this.#env.root.flushed;
    if (record) await writeJournal(this.#streamsDir, { record, deleted: true });
  }
}
