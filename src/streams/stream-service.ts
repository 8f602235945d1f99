/**
 * Control-plane domain: the stream lifecycle, versions, retention and tags (spec §3). Plain
 * TypeScript over the StreamMetaStore; knows nothing of HTTP or request shapes beyond plain values.
 * Streams are created directly ACTIVE (spec §3.1 recommends it; clients that poll for ACTIVE
 * see it on their first DescribeStream).
 */
import { randomBytes } from 'node:crypto';
import { formatStreamArn, parseStreamArn } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import type { ServiceIdentity } from '../core/config.js';
import { KvsError, invalidArgument, resourceNotFound, versionMismatch } from '../core/errors.js';
import type { StreamMetaStore, StreamRecord } from '../storage/types.js';

export const MAX_TAGS_PER_STREAM = 50;
export const MAX_RETENTION_HOURS = 87600;

export interface StreamRef {
  StreamName?: string;
  StreamARN?: string;
}

export interface NewStream {
  streamName: string;
  deviceName?: string;
  mediaType?: string;
  kmsKeyId?: string;
  dataRetentionInHours?: number;
  tags?: Record<string, string>;
}

/** Notified when a stream stops existing, so open sessions on it can end (spec §3.4). */
export type StreamRemovedListener = (record: StreamRecord) => void;

const VERSION_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 20 random alphanumerics, like the observed KVS versions (spec §2.1). */
export function newVersion(): string {
  const bytes = randomBytes(20);
  let out = '';
  for (const b of bytes) out += VERSION_ALPHABET[b % VERSION_ALPHABET.length];
  return out;
}

export class StreamService {
  readonly #meta: StreamMetaStore;
  readonly #clock: Clock;
  readonly #identity: ServiceIdentity;
  readonly #removedListeners: StreamRemovedListener[] = [];

  constructor(meta: StreamMetaStore, clock: Clock, identity: ServiceIdentity) {
    this.#meta = meta;
    this.#clock = clock;
    this.#identity = identity;
  }

  get identity(): ServiceIdentity {
    return this.#identity;
  }

  onStreamRemoved(listener: StreamRemovedListener): void {
    this.#removedListeners.push(listener);
  }

  async create(input: NewStream): Promise<StreamRecord> {
    const tags = input.tags ?? {};
    if (Object.keys(tags).length > MAX_TAGS_PER_STREAM) {
      throw new KvsError(
        'TagsPerResourceExceededLimitException',
        `The stream can have at most ${MAX_TAGS_PER_STREAM} tags.`,
      );
    }
    // Creation time is the ARN's suffix; keep it unique per name so a re-created stream never
    // matches an ARN of its predecessor.
    const creationTimeMs = Math.floor(this.#clock.now());
    const record: StreamRecord = {
      streamId: `${creationTimeMs}-${randomBytes(6).toString('hex')}`,
      streamName: input.streamName,
      streamArn: formatStreamArn({
        partition: 'aws',
        region: this.#identity.region,
        accountId: this.#identity.accountId,
        streamName: input.streamName,
        creationTimeMs,
      }),
      kmsKeyId:
        input.kmsKeyId ??
        `arn:aws:kms:${this.#identity.region}:${this.#identity.accountId}:alias/aws/kinesisvideo`,
      version: newVersion(),
      status: 'ACTIVE',
      creationTimeMs,
      dataRetentionInHours: input.dataRetentionInHours ?? 0,
      tags: { ...tags },
    };
    if (input.deviceName !== undefined) record.deviceName = input.deviceName;
    if (input.mediaType !== undefined) record.mediaType = input.mediaType;
    await this.#meta.create(record);
    return record;
  }

  /**
   * Resolves a stream named by StreamName or StreamARN. Both given must denote the same stream
   * (spec §9.17); an ARN of a deleted-and-recreated stream does not resolve (its creation time differs).
   */
  resolve(ref: StreamRef): StreamRecord {
    const { StreamName: name, StreamARN: arn } = ref;
    if (name === undefined && arn === undefined) {
      throw invalidArgument('Either the StreamName or the StreamARN parameter must be specified.');
    }
    let record: StreamRecord | undefined;
    if (arn !== undefined) {
      const parts = parseStreamArn(arn);
      if (!parts) throw invalidArgument(`Invalid stream ARN: ${arn}`);
      if (name !== undefined && name !== parts.streamName) {
        throw invalidArgument('StreamName and StreamARN do not refer to the same stream.');
      }
      record = this.#meta.getByName(parts.streamName);
      if (record && record.streamArn !== arn) record = undefined;
    } else {
      record = this.#meta.getByName(name!);
    }
    if (!record || record.status === 'DELETING') throw resourceNotFound();
    return record;
  }

  /** Like resolve, by ARN only, for the *Resource tag operations (spec §3.8). */
  resolveArn(arn: string): StreamRecord {
    return this.resolve({ StreamARN: arn });
  }

  list(): StreamRecord[] {
    return this.#meta.list();
  }

  async delete(arn: string, currentVersion: string | undefined): Promise<void> {
    const record = this.resolveArn(arn);
    if (currentVersion !== undefined && currentVersion !== record.version) throw versionMismatch();
    await this.#meta.remove(record.streamName);
    for (const listener of this.#removedListeners) listener(record);
  }

  async update(
    ref: StreamRef,
    currentVersion: string,
    changes: { deviceName?: string; mediaType?: string },
  ): Promise<void> {
    const record = this.#checkVersion(ref, currentVersion);
    const next: StreamRecord = { ...record, version: newVersion() };
    if (changes.deviceName !== undefined) next.deviceName = changes.deviceName;
    if (changes.mediaType !== undefined) next.mediaType = changes.mediaType;
    await this.#meta.update(next);
  }

  async updateDataRetention(
    ref: StreamRef,
    currentVersion: string,
    operation: 'INCREASE_DATA_RETENTION' | 'DECREASE_DATA_RETENTION',
    changeInHours: number,
  ): Promise<StreamRecord> {
    const record = this.#checkVersion(ref, currentVersion);
    const sign = operation === 'INCREASE_DATA_RETENTION' ? 1 : -1;
    const retention = record.dataRetentionInHours + sign * changeInHours;
    if (retention < 0 || retention > MAX_RETENTION_HOURS) {
      throw invalidArgument(
        `The resulting data retention period must be between 0 and ${MAX_RETENTION_HOURS} hours, but would be ${retention}.`,
      );
    }
    const next: StreamRecord = { ...record, version: newVersion(), dataRetentionInHours: retention };
    await this.#meta.update(next);
    return next;
  }

  /**
   * Replaces (or with `undefined` removes) one stored stream setting. Like the other changes of
   * a stream's configuration it gets a new Version (spec §2.1: Version changes with every update).
   */
  async updateSetting(
    ref: StreamRef,
    key: 'imageGenerationConfiguration' | 'notificationConfiguration',
    value: Record<string, unknown> | undefined,
  ): Promise<void> {
    const record = this.resolve(ref);
    const next: StreamRecord = { ...record, version: newVersion() };
    if (value === undefined) delete next[key];
    else next[key] = structuredClone(value);
    await this.#meta.update(next);
  }

  async tag(ref: StreamRef, tags: Record<string, string>): Promise<void> {
    const record = this.resolve(ref);
    const merged = { ...record.tags, ...tags };
    if (Object.keys(merged).length > MAX_TAGS_PER_STREAM) {
      throw new KvsError(
        'TagsPerResourceExceededLimitException',
        `The stream can have at most ${MAX_TAGS_PER_STREAM} tags.`,
      );
    }
    // Tag changes keep the Version (spec §3.7 recommendation).
    await this.#meta.update({ ...record, tags: merged });
  }

  async untag(ref: StreamRef, keys: readonly string[]): Promise<void> {
    const record = this.resolve(ref);
    const tags = { ...record.tags };
    for (const key of keys) delete tags[key];
    await this.#meta.update({ ...record, tags });
  }

  #checkVersion(ref: StreamRef, currentVersion: string): StreamRecord {
    const record = this.resolve(ref);
    if (record.version !== currentVersion) throw versionMismatch();
    return record;
  }
}
