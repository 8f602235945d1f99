/**
 * Fragment payloads and producer headers as objects in an S3-compatible bucket, through
 * @aws-sdk/client-s3 (AWS S3, Ceph radosgw, MinIO, R2). Owns the key layout under the
 * configured prefix — `<prefix>/<streamId>/f/<fragmentNumber>.<nonce>` and
 * `<prefix>/<streamId>/h/<digest>` — and nothing about the index that points at the keys.
 * Uploads carry Content-MD5, so the server rejects a body damaged on the way in.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectStoreConfig } from './config.js';

export class ObjectStore {
  readonly #s3: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(config: ObjectStoreConfig) {
    this.#bucket = config.bucket;
    this.#prefix = config.prefix === '' ? '' : `${config.prefix}/`;
    this.#s3 = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle,
      ...(config.credentials ? { credentials: config.credentials } : {}),
      // Older S3-compatible servers do not know the flexible-checksum headers; Content-MD5 is
      // the integrity check every implementation verifies.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /**
   * A fresh key for one fragment. The nonce keeps two racing appends of one number (only one of
   * which the index accepts) from overwriting each other's object.
   */
  fragmentKey(streamId: string, fragmentNumber: string): string {
    return `${this.#prefix}${streamId}/f/${fragmentNumber}.${randomBytes(6).toString('hex')}`;
  }

  /** Headers are content-addressed, so racing uploads of one header write identical bytes. */
  headerKey(streamId: string, digest: string): string {
    return `${this.#prefix}${streamId}/h/${digest}`;
  }

  /** Resolves once the object is durable in the store (S3 acknowledges a PUT only then). */
  async put(key: string, body: Buffer): Promise<void> {
    await this.#s3.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: body,
        ContentLength: body.byteLength,
        ContentMD5: createHash('md5').update(body).digest('base64'),
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    const out = await this.#s3.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  /** The object's bytes as a Node stream (the SDK's body on Node), read with backpressure. */
  async open(key: string, range?: { offset: number; length: number }): Promise<Readable> {
    const out = await this.#s3.send(
      new GetObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        ...(range && range.length > 0
          ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` }
          : {}),
      }),
    );
    return out.Body as Readable;
  }

  async deleteKeys(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      await this.#s3.send(
        new DeleteObjectsCommand({
          Bucket: this.#bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }

  /** Deletes every object of a stream, including ones no index row points at (orphans). */
  async deleteStream(streamId: string): Promise<void> {
    const Prefix = `${this.#prefix}${streamId}/`;
    let token: string | undefined;
    do {
      const page = await this.#s3.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).map((o) => o.Key!).filter(Boolean);
      if (keys.length > 0) await this.deleteKeys(keys);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  destroy(): void {
    this.#s3.destroy();
  }
}
