/**
 * The file backend's in-memory state of one stream (hot metadata: counters, header cache) and
 * the ordering rules around it: index commits happen in call order, after the write's sync, so
 * the persisted cursor only ever moves forward over fully indexed data.
 * Must not know about LMDB or the record format.
 */
import type { StreamHeader } from '../types.js';
import type { StreamLog, WriteResult } from './stream-log.js';

const ignore = (): void => undefined;

export interface FileStream {
  log: StreamLog;
  /** Largest number accepted so far, in-flight appends included (ordering is checked at call time). */
  last: string | undefined;
  /** Largest number whose index entry is committed (stored in the cursor). */
  committedLast: string | undefined;
  headers: Map<number, StreamHeader>;
  headerIdByDigest: Map<string, number>;
  /** putHeader commits still in flight, so a deduplicated caller also waits for durability. */
  headerCommits: Map<number, Promise<void>>;
  nextHeaderId: number;
  /** Tail of the per-stream commit chain; never rejects. */
  commitTail: Promise<void>;
  /** Resolves once the last chained commit has been started (or skipped); never rejects. */
  commitStarted: Promise<void>;
}

export function newFileStream(log: StreamLog): FileStream {
  return {
    log,
    last: undefined,
    committedLast: undefined,
    headers: new Map(),
    headerIdByDigest: new Map(),
    headerCommits: new Map(),
    nextHeaderId: 1,
    commitTail: Promise.resolve(),
    commitStarted: Promise.resolve(),
  };
}

/**
 * Runs `commit` once the write is synced and every earlier commit of the stream has been
 * started; the returned promise settles only after every earlier one settled. Commit k+1 does
 * not wait for commit k to finish: lmdb-js runs transaction callbacks in call order and commits
 * them in that order (its README, "Asynchronous Transaction Ordering"), so index order is kept
 * while appends in flight share one LMDB commit and sync instead of paying one each in turn.
 */
export function chainCommit<T>(
  stream: FileStream,
  written: Promise<WriteResult>,
  commit: (w: WriteResult) => Promise<T>,
): Promise<T> {
  const previousStarted = stream.commitStarted;
  const previousDone = stream.commitTail;
  let started!: () => void;
  stream.commitStarted = new Promise<void>((resolve) => (started = resolve));
  const done = (async () => {
    let result: WriteResult;
    try {
      result = await written;
      await result.synced;
    } catch (err) {
      // Even a failed append waits its turn, so the chain's tail never overtakes a commit.
      await previousDone;
      started();
      throw err;
    }
    await previousStarted;
    let committing: Promise<T>;
    try {
      committing = commit(result);
    } finally {
      started();
    }
    try {
      return await committing;
    } finally {
      await previousDone;
    }
  })();
  stream.commitTail = done.then(ignore, ignore);
  return done;
}

/**
 * Runs `task` with the stream's write lock held and every append called before it committed.
 * The commit tail is read now, when the task is queued, not when it starts: an append called
 * after this one queues its write behind the task, so waiting for that append's commit inside
 * the lock would wait for a write that waits for us (issue #11: a retention sweep queued
 * between two appends deadlocked the stream). Appends called later cannot write before the task
 * ends, so the earlier ones are all the task has to wait for.
 */
export function quiesce<T>(stream: FileStream, task: () => Promise<T>): Promise<T> {
  const earlier = stream.commitTail;
  return stream.log.exclusive(async () => {
    await earlier;
    return task();
  });
}
